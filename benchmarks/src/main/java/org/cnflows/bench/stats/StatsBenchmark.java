package org.cnflows.bench.stats;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.cnflows.stats.FitResult;
import org.cnflows.stats.Fitter;
import org.cnflows.stats.Parameter;
import org.cnflows.stats.Parameters;
import org.cnflows.stats.intervals.NeymanBelt;
import org.cnflows.stats.models.LogDensities;
import org.cnflows.stats.models.UnbinnedMixtureNll;
import org.cnflows.stats.toys.ToyT3;
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
 * The unbinned and toy-based workloads of issue 4: an extended unbinned mixture fit of mu with
 * covariance on 10^6 events (per-event log-densities of toy T3 at r = 0.5, z = pi/4, mu = 0.2), and
 * a Neyman belt of 100 mu points x 1000 toys (estimator mu + N(0, 0.5^2) nuisance + N(0, 1),
 * central ordering, 68.27%, all threads).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class StatsBenchmark {

  private UnbinnedMixtureNll unbinned;
  private NeymanBelt.Config belt;
  private final Fitter fitter = Fitter.defaults();

  /** Draws the events and evaluates their densities once. */
  @Setup
  public void setup() {
    ToyT3 toy = ToyT3.SMALL;
    double z = Math.PI / 4;
    double[][] events = toy.generate(1_000_000, 0.2, z, new SplittableRandom(1));
    LogDensities d = toy.logDensities(events, z);
    Parameters mu = Parameters.of(Parameter.of("mu", 0.5, 0, 5));
    // expected yields: N (1 + mu) with N chosen so that mu = 0.2 gives 10^6 events
    double n = 1_000_000 / 1.2;
    unbinned = new UnbinnedMixtureNll(mu, "mu", List.of(), nu -> d, n, n, true);
    double[] grid = new double[100];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = 0.1 * i;
    }
    belt =
        new NeymanBelt.Config(
            grid,
            1000,
            0.6827,
            NeymanBelt.Ordering.CENTRAL,
            7,
            Runtime.getRuntime().availableProcessors());
  }

  /** One unbinned fit of mu with the Hessian covariance, 10^6 events. */
  @Benchmark
  public FitResult unbinnedFitMillionEvents() {
    return fitter.fit(unbinned);
  }

  /** One Neyman belt of 100 mu points x 1000 toys. */
  @Benchmark
  public NeymanBelt neymanBelt100x1000() {
    return NeymanBelt.build(
        belt,
        NeymanBelt.Estimator.ofValue(
            (mu, rng) -> mu + 0.5 * rng.nextGaussian() + rng.nextGaussian()));
  }
}
