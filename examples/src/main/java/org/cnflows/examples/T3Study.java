package org.cnflows.examples;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.cnflows.flows.ConsoleProgress;
import org.cnflows.flows.Devices;
import org.cnflows.flows.Flow;
import org.cnflows.flows.FlowTrainer;
import org.cnflows.flows.Flows;
import org.cnflows.flows.Samples;
import org.cnflows.flows.TrainingConfig;
import org.cnflows.stats.coverage.CoverageReport;
import org.cnflows.stats.coverage.CoverageStudy;
import org.cnflows.stats.intervals.Interval;
import org.cnflows.stats.intervals.MixtureGridProfile;
import org.cnflows.stats.models.LogDensities;
import org.cnflows.stats.toys.BivariateGaussian;
import org.cnflows.stats.toys.ToyT3;

/**
 * The thesis's flow method on toy T3 (Sluijter, Sec. 3.1.1, 3.2.2 and 4.1), end to end through
 * cnflows: conditional flows p_s(x | z) and p_b(x | z) ({@link Flows#thesisSpline}: 4 masked
 * rational-quadratic autoregressive layers, context z) are trained on events with z ~ U[0, pi/2];
 * for datasets of 1000 events at the 9 test points (mu, z), their per-event log-densities on a
 * 61-point z grid feed {@link MixtureGridProfile}, which profiles z and returns the 68.3% Wilks
 * interval of mu. The true likelihood runs on the same datasets for comparison.
 *
 * <p>Arguments: {@code [large|small [datasetsPerPoint [trainingSteps]]]}, defaults large, 20, 3000.
 */
final class T3FlowStudy {

  static final int EVENTS = 1000;
  static final int TRAINING_EVENTS = 50_000;
  static final double[] Z_GRID = new double[61];

  static {
    for (int k = 0; k < Z_GRID.length; k++) {
      Z_GRID[k] = Math.PI * (0.1 + 0.3 * k / 60);
    }
  }

  private T3FlowStudy() {}

  static int run(String[] args, PrintStream out) {
    ToyT3 toy = args.length > 0 && args[0].equals("small") ? ToyT3.SMALL : ToyT3.LARGE;
    int perPoint = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 3000;
    if (perPoint < 1 || steps < 1) {
      throw new IllegalArgumentException(
          "datasets per point = " + perPoint + " and steps = " + steps + " must be >= 1");
    }
    Device device = Devices.fromSystemProperty();
    out.printf(
        "T3 r = %.1f: training conditional flows on %d events each%n", toy.r(), TRAINING_EVENTS);
    try (Flow signal = train(toy, true, steps, device, out);
        Flow background = train(toy, false, steps, device, out)) {
      int trials = 9 * perPoint;
      List<CoverageStudy.Outcome> flowOutcomes = new ArrayList<>();
      List<CoverageStudy.Outcome> trueOutcomes = new ArrayList<>();
      for (int i = 0; i < trials; i++) {
        double mu = ToyT3.MU_TEST[i % 3];
        double z = ToyT3.Z_TEST[(i / 3) % 3];
        RandomGenerator rng = new Well19937c(1000 + i);
        double[][] events = toy.generate(EVENTS, mu, z, rng);
        LogDensities[] learned = new LogDensities[Z_GRID.length];
        LogDensities[] truth = new LogDensities[Z_GRID.length];
        for (int k = 0; k < Z_GRID.length; k++) {
          learned[k] = flowLogDensities(signal, background, events, Z_GRID[k]);
          truth[k] = toy.logDensities(events, Z_GRID[k]);
        }
        flowOutcomes.add(outcome(mu, new MixtureGridProfile(Z_GRID, learned)));
        trueOutcomes.add(outcome(mu, new MixtureGridProfile(Z_GRID, truth)));
        if ((i + 1) % Math.max(1, trials / 10) == 0 || i + 1 == trials) {
          out.printf("profiled %d/%d datasets%n", i + 1, trials);
        }
      }
      CoverageReport flow = CoverageStudy.report(flowOutcomes);
      CoverageReport exact = CoverageStudy.report(trueOutcomes);
      double band = 2 * Math.sqrt(0.6827 * 0.3173 / trials);
      out.printf("%d datasets of %d events on the 9-point (mu, z) grid%n", trials, EVENTS);
      out.println("method           mu coverage  mean width  RMSE");
      out.printf(
          "flow             %.3f        %.4f      %.4f%n",
          flow.coverage(), flow.meanWidth(), flow.rmse());
      out.printf(
          "true likelihood  %.3f        %.4f      %.4f%n",
          exact.coverage(), exact.meanWidth(), exact.rmse());
      out.printf("2-sigma band of 0.6827 for %d datasets: +-%.3f%n", trials, band);
    }
    return 0;
  }

  private static CoverageStudy.Outcome outcome(double mu, MixtureGridProfile profile) {
    Interval interval = profile.muInterval(0.5, 0, 0.5);
    return new CoverageStudy.Outcome(mu, interval.estimate(), interval);
  }

  /** Trains p(x | z) for one class on events with z ~ U[0, pi/2]. */
  private static Flow train(
      ToyT3 toy, boolean isSignal, int steps, Device device, PrintStream out) {
    SplittableRandom random = new SplittableRandom(isSignal ? 11 : 12);
    float[][] x = new float[TRAINING_EVENTS][];
    float[][] z = new float[TRAINING_EVENTS][];
    for (int i = 0; i < TRAINING_EVENTS; i++) {
      double zi = random.nextDouble() * Math.PI / 2;
      BivariateGaussian g = isSignal ? toy.signal(zi) : toy.background(zi);
      double[] row = g.sample(1, random)[0];
      x[i] = new float[] {(float) row[0], (float) row[1]};
      z[i] = new float[] {(float) zi};
    }
    Flow flow = Flows.thesisSpline(2, 1).optDevice(device).optSeed(isSignal ? 1 : 2).build();
    out.println(isSignal ? "signal flow p_s(x | z):" : "background flow p_b(x | z):");
    FlowTrainer.fit(
        flow,
        Samples.of(x, z),
        TrainingConfig.builder()
            .optSteps(steps)
            .optBatchSize(512)
            .optLearningRate(1e-3)
            .optEvaluateEvery(Math.max(1, steps / 5))
            .optSeed(3)
            .optListener(new ConsoleProgress(out))
            .build());
    return flow;
  }

  /** Per-event log p_s(x | z) and log p_b(x | z) from the flows, in double. */
  static LogDensities flowLogDensities(Flow signal, Flow background, double[][] events, double z) {
    float[] x = Rows.rowMajor(events);
    float[] context = new float[events.length];
    java.util.Arrays.fill(context, (float) z);
    try (NDManager manager = NDManager.newBaseManager(signal.device());
        NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray xs = manager.create(x, new Shape(events.length, 2));
      NDArray zs = manager.create(context, new Shape(events.length, 1));
      return new LogDensities(
          toDouble(signal.logProb(xs, zs).toFloatArray()),
          toDouble(background.logProb(xs, zs).toFloatArray()));
    }
  }

  private static double[] toDouble(float[] values) {
    double[] d = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      d[i] = values[i];
    }
    return d;
  }
}
