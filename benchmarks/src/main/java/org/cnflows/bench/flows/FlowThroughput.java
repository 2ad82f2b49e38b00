package org.cnflows.bench.flows;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.flows.Devices;
import org.cnflows.flows.EngineInfo;
import org.cnflows.flows.Flow;
import org.cnflows.flows.MaximumLikelihood;
import org.cnflows.flows.Trainer;
import org.cnflows.flows.TrainingConfig;
import org.cnflows.flows.TrainingListener;

/**
 * Events per second of a flow's log-density evaluation and Adam training step at several batch
 * sizes, each printed with the {@link GemmBound} measured in the same run and the fraction of it
 * reached. The flows are those of {@link FlowBenchmark} ({@code paper}: the CNF paper's 30-layer
 * stack); the log-density is {@link Flow#logProbTrusted} on one uploaded batch read back to the
 * host, the training step {@link Trainer#step} on maximum likelihood (batches drawn from 8 batches
 * of standard normal rows); {@code quick} is the HiggsML analysis's quick-preset CNF (4 couplings,
 * conditioners 2 x 32). After a warm-up window, each of 3 windows is preceded by a GEMM-bound
 * measurement; the figures are the medians of the rates, the bounds and the per-window fractions.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar org.cnflows.bench.flows.FlowThroughput [flow
 * [batches [seconds [dim [ops]]]]]}, defaults {@code paper 1024,8192 4 28 logProb,trainStep}
 * (seconds per window); device from {@code -Dcnflows.device}. Each result is also printed as one
 * {@code RESULT} line (read by {@code benchmarks/peers/run.py}).
 */
public final class FlowThroughput {

  private FlowThroughput() {}

  /**
   * Runs the measurement.
   *
   * @param args {@code [flow [batches [seconds [dim [ops]]]]]}
   */
  public static void main(String[] args) {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    String name = args.length > 0 ? args[0] : "paper";
    int[] batches =
        Arrays.stream((args.length > 1 ? args[1] : "1024,8192").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 4;
    int dim = args.length > 3 ? Integer.parseInt(args[3]) : 28;
    List<String> ops = List.of((args.length > 4 ? args[4] : "logProb,trainStep").split(","));
    Device device = Devices.fromSystemProperty();
    System.out.println(EngineInfo.current());
    for (int batch : batches) {
      try (Flow flow = FlowBenchmark.build(name, dim).optDevice(device).optSeed(1).build()) {
        if (ops.contains("logProb")) {
          report(name, "logProb", batch, logProb(flow, batch, seconds));
        }
        if (ops.contains("trainStep")) {
          report(name, "trainStep", batch, trainStep(flow, batch, seconds));
        }
      }
    }
  }

  /** Medians over the measured windows: events/s, the bound, and their ratio per window. */
  record Measured(double eventsPerSecond, double bound, double fraction, GemmBound last) {}

  private static void report(String flow, String op, int batch, Measured m) {
    System.out.println(m.last());
    System.out.printf(
        "%s %s batch %d: %,.0f events/s = %.0f%% of the GEMM bound (%,.0f events/s)%n",
        flow, op, batch, m.eventsPerSecond(), 100 * m.fraction(), m.bound());
    System.out.printf(
        "RESULT impl=cnflows flow=%s op=%s batch=%d events_per_s=%.1f gemm_bound=%.1f%n",
        flow, op, batch, m.eventsPerSecond(), m.bound());
  }

  static float[] gaussian(int n, long seed) {
    float[] values = new float[n];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }

  private static Measured logProb(Flow flow, int batch, double seconds) {
    try (NDManager manager = NDManager.newBaseManager(flow.device())) {
      NDArray x = manager.create(gaussian(batch * flow.dim(), 2), new Shape(batch, flow.dim()));
      return measure(
          flow,
          batch,
          seconds,
          false,
          () -> {
            try (NDScope scope = new NDScope()) {
              scope.suppressNotUsedWarning();
              flow.logProbTrusted(x, null).toFloatArray();
            }
          });
    }
  }

  private static Measured trainStep(Flow flow, int batch, double seconds) {
    FeatureMatrix data = FeatureMatrix.of(gaussian(8 * batch * flow.dim(), 3), flow.dim());
    TrainingConfig config =
        TrainingConfig.builder()
            .optSteps(1_000_000)
            .optBatchSize(batch)
            .optValidationFraction(0)
            .optEvaluateEvery(1000)
            .optKeepBest(false)
            .optListener(TrainingListener.NONE)
            .build();
    try (Trainer<Flow> run = Trainer.start(flow, new MaximumLikelihood(), List.of(data), config)) {
      return measure(flow, batch, seconds, true, run::step);
    }
  }

  /**
   * A warm-up window, then 3 windows each preceded by a {@link GemmBound} measurement, so that on a
   * shared machine each window is compared with the limit of its own moment.
   */
  static Measured measure(Flow flow, int batch, double seconds, boolean training, Runnable call) {
    window(batch, seconds, call);
    double[] rates = new double[3];
    double[] bounds = new double[3];
    double[] fractions = new double[3];
    GemmBound bound = null;
    for (int w = 0; w < 3; w++) {
      bound = GemmBound.measure(flow, batch);
      bounds[w] = training ? bound.trainingEventsPerSecond() : bound.logProbEventsPerSecond();
      rates[w] = window(batch, seconds, call);
      fractions[w] = rates[w] / bounds[w];
    }
    return new Measured(median(rates), median(bounds), median(fractions), bound);
  }

  private static double window(int batch, double seconds, Runnable call) {
    long start = System.nanoTime();
    int calls = 0;
    long elapsed;
    do {
      call.run();
      calls++;
      elapsed = System.nanoTime() - start;
    } while (elapsed < seconds * 1e9);
    return calls * (double) batch / (elapsed / 1e9);
  }

  private static double median(double[] three) {
    double[] sorted = three.clone();
    Arrays.sort(sorted);
    return sorted[1];
  }
}
