// cnflows notebook: fit a flow to toy T1 signal samples and compare with the true density.
// Run: examples/jshell/cnflows-shell.sh examples/jshell/flow-t1.jsh
import ai.djl.ndarray.*;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.cnflows.common.*;
import org.cnflows.flows.*;
import org.cnflows.stats.toys.*;

// 1. Data: T1 signal, N((-3.25, 2.5), [[2.58, 2.19], [2.19, 13.06]]), scaled by 1/4 so a small flow fits fast.
double scale = 4;
float[][] toRows(double[][] x) {
  float[][] rows = new float[x.length][2];
  for (int i = 0; i < x.length; i++) { rows[i][0] = (float) (x[i][0] / scale); rows[i][1] = (float) (x[i][1] / scale); }
  return rows;
}
double[][] train = ToyT1.SIGNAL.sample(10_000, new SplittableRandom(1));
double[][] test = ToyT1.SIGNAL.sample(10_000, new SplittableRandom(2));

// 2. A small flow of the CNF paper's architecture: gated affine (Eq. 15) and monotone quadratic (Eq. 16) couplings.
var flow = Flows.gatedQuadratic(2, 0, 6, 32, 2).optSeed(7).build();
System.out.println("flow: " + flow.layers().size() + " layers, " + flow.trainableSize() + " parameters on " + flow.device());

// 3. Maximum-likelihood training with a progress bar.
var result = Trainer.fit(flow, FeatureMatrix.of(toRows(train)),
    TrainingConfig.builder().optSteps(400).optBatchSize(512).optLearningRate(3e-3).optEvaluateEvery(100).build());

// 4. Mean log-density of new samples: flow (with the Jacobian of the 1/4 scaling) vs truth.
var manager = NDManager.newBaseManager(flow.device());
float[][] rows = toRows(test);
float[] flat = new float[2 * rows.length];
for (int i = 0; i < rows.length; i++) { flat[2 * i] = rows[i][0]; flat[2 * i + 1] = rows[i][1]; }
double learned = flow.logProb(manager.create(flat, new Shape(rows.length, 2)), null).mean().getFloat() - 2 * Math.log(scale);
double truth = 0;
for (double[] r : test) truth += ToyT1.SIGNAL.logDensity(r[0], r[1]) / test.length;
System.out.printf("mean log-density: flow %.4f, truth %.4f, difference %.4f nats%n", learned, truth, learned - truth);
manager.close();
flow.close();
int status = Math.abs(learned - truth) < 0.05 ? 0 : 1;
System.out.println(status == 0 ? "notebook OK" : "notebook FAILED");
/exit status
