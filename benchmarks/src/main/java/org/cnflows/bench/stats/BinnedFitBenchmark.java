package org.cnflows.bench.stats;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.cnflows.stats.FitResult;
import org.cnflows.stats.Fitter;
import org.cnflows.stats.models.BinnedTemplateNll;
import org.cnflows.stats.toys.ToyTemplates;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Fits per second of the binned template model {@link ToyTemplates#peakOnFallingBackground} (mu + 2
 * constrained nuisances, 100 bins, 11 x 11 template grid) on one Poisson pseudo-experiment at (mu,
 * a, b) = (1, 0.5, -0.5) with seed 1. Compare with {@code benchmarks/scripts/stats/binned_fit.py},
 * the same fit in numpy/scipy.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class BinnedFitBenchmark {

  private BinnedTemplateNll data;
  private final Fitter fitter = Fitter.defaults();

  /** Builds the model and its pseudo-experiment. */
  @Setup
  public void setup() {
    data =
        ToyTemplates.peakOnFallingBackground(100, 11)
            .poissonToy(new double[] {1, 0.5, -0.5}, new SplittableRandom(1));
  }

  /** Minimization only. */
  @Benchmark
  public FitResult minimize() {
    return fitter.minimize(data);
  }

  /** Minimization plus the finite-difference Hessian and covariance. */
  @Benchmark
  public FitResult fitWithCovariance() {
    return fitter.fit(data);
  }
}
