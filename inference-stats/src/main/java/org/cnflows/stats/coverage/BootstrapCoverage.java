package org.cnflows.stats.coverage;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.cnflows.stats.internal.Checks;
import org.cnflows.stats.internal.Draws;
import org.cnflows.stats.intervals.Interval;

/**
 * Bootstrap coverage (Sluijter's thesis, Sec. 3.1.3 and 3.3.2): from one test set of N events, draw
 * bootstrap sets of n events with replacement, build an interval on each, and report the fraction
 * that contains the truth and their mean width. This estimate is biased low for small k = N / n
 * (thesis Sec. 4.1): for a Gaussian mean with known sigma it tends to 2 Phi(1 / sqrt(n/N + (N -
 * 1)/N)) - 1, e.g. 0.52 at k = 1 and 0.66 at k = 9.
 */
public final class BootstrapCoverage {

  private BootstrapCoverage() {}

  /**
   * @param testSize N, the events of the test set (indices 0..N-1)
   * @param bootstrapSize n
   * @param sets the number of bootstrap sets
   * @param truth the true value
   * @param rng the random source of the resampling
   * @param interval builds the interval from the indices of one bootstrap set
   */
  public static CoverageReport run(
      int testSize,
      int bootstrapSize,
      int sets,
      double truth,
      RandomGenerator rng,
      Function<int[], Interval> interval) {
    Checks.positive("testSize", testSize);
    Checks.positive("bootstrapSize", bootstrapSize);
    Checks.positive("sets", sets);
    List<CoverageStudy.Outcome> out = new ArrayList<>();
    for (int s = 0; s < sets; s++) {
      int[] idx = new int[bootstrapSize];
      for (int i = 0; i < bootstrapSize; i++) {
        idx[i] = rng.nextInt(testSize);
      }
      Interval iv = interval.apply(idx);
      out.add(new CoverageStudy.Outcome(truth, iv.estimate(), iv));
    }
    return CoverageStudy.report(out);
  }

  /**
   * The rows of one Poisson bootstrap member of N events (Hanley and MacGibbon, Comput. Methods
   * Programs Biomed. 83 (2006) 57): event i repeated k_i ~ Poisson(1) times, independently, so the
   * member's size is itself Poisson(N) and members of different data sets stay independent.
   *
   * @param events N, the events (indices 0..N-1)
   * @param rng the random source (one uniform per event)
   * @return the indices, ascending, each repeated k_i times
   */
  public static int[] poissonRows(int events, RandomGenerator rng) {
    Checks.positive("events", events);
    int[] counts = new int[events];
    int total = 0;
    for (int i = 0; i < events; i++) {
      counts[i] = Draws.poisson(1, rng);
      total += counts[i];
    }
    int[] rows = new int[total];
    int r = 0;
    for (int i = 0; i < events; i++) {
      for (int k = 0; k < counts[i]; k++) {
        rows[r++] = i;
      }
    }
    return rows;
  }
}
