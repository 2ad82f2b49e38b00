package org.cnflows.bench.flows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.flows.Activation;
import org.cnflows.flows.AffineTransform;
import org.cnflows.flows.Devices;
import org.cnflows.flows.Flow;
import org.cnflows.flows.Flows;
import org.cnflows.flows.GatedAffineTransform;
import org.cnflows.flows.LayerSpec;
import org.cnflows.flows.QuadraticTransform;
import org.cnflows.flows.SplineTransform;
import org.cnflows.flows.Trainer;
import org.cnflows.flows.TrainingConfig;
import org.cnflows.flows.TrainingListener;
import org.cnflows.flows.TrainingResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Batches per second of log-density evaluation, the inverse pass (sampling direction) and Adam
 * training steps, for each layer type (a flow of 4 such layers, conditioners 2 x 64) and for the
 * CNF paper's 30-layer stack ({@link Flows#contrastivePaper}); {@code -p flow=quick} (not in the
 * default matrix) is the HiggsML analysis's quick-preset CNF, {@code Flows.gatedQuadratic(dim, 0,
 * 4, 32, 2)}. Events per second = batch x score; each iteration also prints its events/s as a
 * fraction of the flow's {@link GemmBound}.
 *
 * <p>Example: {@code java -jar benchmarks/target/benchmarks.jar FlowBenchmark -p flow=paper -p
 * batch=1024 -p dim=28}; {@code -p device=gpu} on a machine with a GPU (built with {@code -P
 * cu121}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Dai.djl.offline=true"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
public class FlowBenchmark {

  /** Training steps per {@link #trainStep} invocation. */
  static final int STEPS = 10;

  /** The architecture. */
  @Param({"paper", "affine", "gated", "quadratic", "spline", "autoregressive", "lu", "actnorm"})
  public String flow;

  /** Rows per batch. */
  @Param({"256", "1024", "4096", "65536"})
  public int batch;

  /** Features per row. */
  @Param({"2", "28"})
  public int dim;

  /** {@code cpu}, {@code gpu} or {@code gpu:N}. */
  @Param({"cpu"})
  public String device;

  private Flow model;
  private NDManager manager;
  private NDArray x;
  private FeatureMatrix samples;
  private IterationRate rate;

  /** Builds the flow and one batch on the device. */
  @Setup(Level.Trial)
  public void setup() {
    model = build(flow, dim).optDevice(Devices.resolve(device)).optSeed(1).build();
    manager = NDManager.newBaseManager(model.device());
    float[] values = new float[batch * dim];
    SplittableRandom random = new SplittableRandom(2);
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    x = manager.create(values, new Shape(batch, dim));
    samples = FeatureMatrix.of(values, dim);
    rate = new IterationRate(GemmBound.ofDenseLayers(model, batch));
  }

  /** Starts counting this iteration's calls. */
  @Setup(Level.Iteration)
  public void startIteration() {
    rate.start();
  }

  /** Prints the iteration's events/s as a fraction of the flow's GEMM bound. */
  @TearDown(Level.Iteration)
  public void printFraction(BenchmarkParams params) {
    boolean training = params.getBenchmark().endsWith("trainStep");
    rate.print(training, (training ? STEPS : 1) * (double) batch);
  }

  static Flow.Builder build(String name, int dim) {
    if (name.equals("paper")) {
      return Flows.contrastivePaper(dim, 0);
    }
    if (name.equals("quick")) {
      return Flows.gatedQuadratic(dim, 0, 4, 32, 2);
    }
    Flow.Builder b = Flow.builder().setDim(dim);
    for (int i = 0; i < 4; i++) {
      b.add(layer(name, i % 2 == 1));
    }
    return b;
  }

  private static LayerSpec layer(String name, boolean first) {
    switch (name) {
      case "affine":
        return new LayerSpec.CouplingLayer(new AffineTransform(3), first, 64, 2, Activation.RELU);
      case "gated":
        return new LayerSpec.CouplingLayer(
            new GatedAffineTransform(3), first, 64, 2, Activation.GELU);
      case "quadratic":
        return new LayerSpec.CouplingLayer(
            new QuadraticTransform(5, 1e-3), first, 64, 2, Activation.GELU);
      case "spline":
        return new LayerSpec.CouplingLayer(SplineTransform.of(8, 5), first, 64, 2, Activation.RELU);
      case "autoregressive":
        return new LayerSpec.AutoregressiveLayer(SplineTransform.of(8, 5), 64, 2, Activation.RELU);
      case "lu":
        return new LayerSpec.LuLinearLayer(true);
      case "actnorm":
        return new LayerSpec.ActNormLayer();
      default:
        throw new IllegalArgumentException("flow = " + name + " is not a benchmarked architecture");
    }
  }

  /** Frees the flow and the batch. */
  @TearDown(Level.Trial)
  public void tearDown() {
    manager.close();
    model.close();
  }

  /** log p(x) of one batch (normalizing direction), read back to the host. */
  @Benchmark
  public float[] logProb() {
    rate.count();
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      return model.logProbTrusted(x, null).toFloatArray();
    }
  }

  /** x = f^-1(z) of one batch (sampling direction), read back to the host. */
  @Benchmark
  public float[] inverse() {
    rate.count();
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      return model.inverse(x, null).value().toFloatArray();
    }
  }

  /** Adam maximum-likelihood steps on one batch ({@value #STEPS} per invocation). */
  @Benchmark
  @OperationsPerInvocation(STEPS)
  public TrainingResult trainStep() {
    rate.count();
    return Trainer.fit(
        model,
        samples,
        TrainingConfig.builder()
            .optSteps(STEPS)
            .optBatchSize(batch)
            .optValidationFraction(0)
            .optEvaluateEvery(STEPS)
            .optListener(TrainingListener.NONE)
            .build());
  }
}
