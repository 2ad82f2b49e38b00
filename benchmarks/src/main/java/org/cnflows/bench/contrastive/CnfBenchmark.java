package org.cnflows.bench.contrastive;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.cnflows.bench.flows.GemmBound;
import org.cnflows.bench.flows.IterationRate;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.contrastive.ContrastiveLoss;
import org.cnflows.flows.Devices;
import org.cnflows.flows.Flow;
import org.cnflows.flows.Flows;
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

/**
 * Adam steps per second of contrastive-flow training (Elsharkawy and Kahn 2025, Eq. 5, clamp k =
 * -50, App. A) for the paper's CNF ({@link Flows#contrastivePaper}: 30 layers, conditioners 5 x 64
 * GELU) on Gaussian events. Each step draws {@code batch} signal and {@code batch} background rows,
 * so events per second = 2 x batch x score; each iteration also prints its events/s as a fraction
 * of the {@link GemmBound} for training (the products of a step run at batch rows, once per class).
 *
 * <p>Example: {@code java -jar benchmarks/target/benchmarks.jar CnfBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Dai.djl.offline=true"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class CnfBenchmark {

  /** Training steps per {@link #trainStep} invocation. */
  static final int STEPS = 10;

  /** Rows per class per step. */
  @Param({"1024"})
  public int batch;

  /** Features per row. */
  @Param({"28"})
  public int dim;

  /** {@code cpu}, {@code gpu} or {@code gpu:N}. */
  @Param({"cpu"})
  public String device;

  private Flow model;
  private List<FeatureMatrix> sources;
  private IterationRate rate;

  /** Builds the CNF and 8 batches of events per class. */
  @Setup(Level.Trial)
  public void setup() {
    model = Flows.contrastivePaper(dim, 0).optDevice(Devices.resolve(device)).optSeed(1).build();
    sources = List.of(gaussian(8 * batch, dim, 0.5, 2), gaussian(8 * batch, dim, -0.5, 3));
    rate = new IterationRate(GemmBound.ofDenseLayers(model, batch));
  }

  /** Starts counting this iteration's calls. */
  @Setup(Level.Iteration)
  public void startIteration() {
    rate.start();
  }

  /** Prints the iteration's events/s as a fraction of the CNF's GEMM bound for training. */
  @TearDown(Level.Iteration)
  public void printFraction() {
    rate.print(true, STEPS * 2.0 * batch);
  }

  /** n rows of N(shift, I) in dim features. */
  static FeatureMatrix gaussian(int n, int dim, double shift, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[n * dim];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (shift + random.nextGaussian());
    }
    return FeatureMatrix.of(values, dim);
  }

  /** Frees the flow. */
  @TearDown(Level.Trial)
  public void tearDown() {
    model.close();
  }

  /** Adam steps on the signal-target loss with c = 1 ({@value #STEPS} per invocation). */
  @Benchmark
  @OperationsPerInvocation(STEPS)
  public TrainingResult trainStep() {
    rate.count();
    return Trainer.train(
        model,
        ContrastiveLoss.signal(1),
        sources,
        TrainingConfig.builder()
            .optSteps(STEPS)
            .optBatchSize(batch)
            .optValidationFraction(0)
            .optEvaluateEvery(STEPS)
            .optListener(TrainingListener.NONE)
            .build());
  }
}
