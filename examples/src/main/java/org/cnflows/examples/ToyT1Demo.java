package org.cnflows.examples;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.PrintStream;
import java.util.SplittableRandom;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.Standardization;
import org.cnflows.flows.ConsoleProgress;
import org.cnflows.flows.Devices;
import org.cnflows.flows.EngineInfo;
import org.cnflows.flows.Flow;
import org.cnflows.flows.Flows;
import org.cnflows.flows.Trainer;
import org.cnflows.flows.TrainingConfig;
import org.cnflows.stats.toys.BivariateGaussian;
import org.cnflows.stats.toys.ToyT1;

/**
 * The main job: starts the PyTorch engine offline, reports versions and device, evaluates toy T1
 * (Elsharkawy and Kahn 2025, Eq. 11) on a grid with NDArrays, then fits a flow to T1 signal samples
 * by maximum likelihood.
 *
 * <p>Part 1 checks the NDArray log-densities against the double-precision ones, integrates both
 * densities over the grid (expected 1), and integrates max(p_s - c p_b, 0) to get the normalizer
 * lambda_c of the optimal contrastive density (Eq. 10), compared with the reference values.
 *
 * <p>Part 2 trains an 8-layer flow of the paper's architecture ({@link Flows#gatedQuadratic}) on
 * 20,000 standardized signal samples and compares the mean log-density of 20,000 new samples under
 * the flow (log p(x) = log p_flow(z) - sum_i log sigma_i) with the truth.
 *
 * <p>Arguments: {@code [gridSize [trainingSteps]]}, defaults 400 and 1500.
 */
final class ToyT1Demo {

  static final double X0_MIN = -16, X0_MAX = 12, X1_MIN = -14, X1_MAX = 22;

  private ToyT1Demo() {}

  static int run(String[] args, PrintStream out) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 400;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 1500;
    if (n < 10) {
      throw new IllegalArgumentException("grid size n = " + n + " must be at least 10");
    }
    if (steps < 1) {
      throw new IllegalArgumentException("training steps = " + steps + " must be at least 1");
    }
    long start = System.nanoTime();
    EngineInfo info = EngineInfo.current();
    Device device = Devices.fromSystemProperty();
    out.println("cnflows demo: " + info + ", device " + device);

    double h0 = (X0_MAX - X0_MIN) / n;
    double h1 = (X1_MAX - X1_MIN) / n;
    float[] grid = new float[2 * n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        int row = i * n + j;
        grid[2 * row] = (float) (X0_MIN + (i + 0.5) * h0);
        grid[2 * row + 1] = (float) (X1_MIN + (j + 0.5) * h1);
      }
    }
    try (NDManager manager = NDManager.newBaseManager(device)) {
      NDArray x = manager.create(grid).reshape(n * n, 2);
      NDArray logPs = logDensity(x, ToyT1.SIGNAL);
      NDArray logPb = logDensity(x, ToyT1.BACKGROUND);
      double cell = h0 * h1;
      double normS = logPs.exp().sum().toType(DataType.FLOAT64, false).getDouble() * cell;
      double normB = logPb.exp().sum().toType(DataType.FLOAT64, false).getDouble() * cell;
      double maxDiff = maxAbsDifference(grid, logPs.toFloatArray(), ToyT1.SIGNAL);
      maxDiff = Math.max(maxDiff, maxAbsDifference(grid, logPb.toFloatArray(), ToyT1.BACKGROUND));

      out.printf("grid %d x %d on [%g, %g] x [%g, %g]%n", n, n, X0_MIN, X0_MAX, X1_MIN, X1_MAX);
      out.printf("integral of p_s = %.6f, of p_b = %.6f (exact: 1)%n", normS, normB);
      out.printf(
          "max |log p (NDArray, float32) - log p (double)| / max(1, |log p|) = %.3g%n", maxDiff);
      out.println("c      lambda_c   reference");
      NDArray ps = logPs.exp();
      NDArray pb = logPb.exp();
      for (int k = 0; k < ToyT1.CONTRASTS.length; k++) {
        double c = ToyT1.CONTRASTS[k];
        double lambda = ps.sub(pb.mul(c)).maximum(0f).sum().getFloat() * cell;
        out.printf("%-6.1f %-10.4f %.3f%n", c, lambda, ToyT1.LAMBDA_C_REFERENCE[k]);
      }
    }
    fitSignal(device, steps, out);
    out.printf("done in %.2f s%n", (System.nanoTime() - start) / 1e9);
    return 0;
  }

  /** Fits a flow to T1 signal samples and prints the learned and true mean log-density. */
  static void fitSignal(Device device, int steps, PrintStream out) {
    FeatureMatrix train = FeatureMatrix.of(ToyT1.SIGNAL.sample(20_000, new SplittableRandom(1)));
    double[][] test = ToyT1.SIGNAL.sample(20_000, new SplittableRandom(2));
    Standardization standardization = Standardization.fit(train);
    out.printf(
        "fitting an 8-layer gated-affine/quadratic flow to %d T1 signal samples%n", train.size());
    try (Flow flow = Flows.gatedQuadratic(2, 0, 8, 32, 2).optDevice(device).optSeed(7).build();
        NDManager manager = NDManager.newBaseManager(device)) {
      Trainer.fit(
          flow,
          standardization.apply(train),
          TrainingConfig.builder()
              .optSteps(steps)
              .optBatchSize(512)
              .optLearningRate(2e-3)
              .optEvaluateEvery(Math.max(1, steps / 5))
              .optSeed(3)
              .optListener(new ConsoleProgress(out))
              .build());
      NDArray z =
          manager.create(
              standardization.apply(FeatureMatrix.of(test).x()), new Shape(test.length, 2));
      double learned = flow.logProb(z, null).mean().getFloat() + standardization.logJacobian();
      double truth = 0;
      for (double[] r : test) {
        truth += ToyT1.SIGNAL.logDensity(r[0], r[1]) / test.length;
      }
      out.printf(
          "mean log-density of %d new samples: flow %.4f, truth %.4f, difference %.4f nats%n",
          test.length, learned, truth, learned - truth);
    }
  }

  /** log N(x; m, S) for the rows of {@code x} (shape n x 2). */
  static NDArray logDensity(NDArray x, BivariateGaussian g) {
    NDManager m = x.getManager();
    double[] p = g.precision();
    NDArray mean = m.create(new float[] {(float) g.mean0(), (float) g.mean1()});
    NDArray precision =
        m.create(new float[] {(float) p[0], (float) p[1], (float) p[1], (float) p[2]})
            .reshape(2, 2);
    NDArray d = x.sub(mean);
    NDArray quad = d.matMul(precision).mul(d).sum(new int[] {1});
    double constant = -Math.log(2 * Math.PI) - 0.5 * Math.log(g.determinant());
    return quad.mul(-0.5f).add((float) constant);
  }

  private static double maxAbsDifference(float[] grid, float[] logP, BivariateGaussian g) {
    double max = 0;
    for (int row = 0; row < logP.length; row++) {
      double exact = g.logDensity(grid[2 * row], grid[2 * row + 1]);
      max = Math.max(max, Math.abs(logP[row] - exact) / Math.max(1, Math.abs(exact)));
    }
    return max;
  }
}
