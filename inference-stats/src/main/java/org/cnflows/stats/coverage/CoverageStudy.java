package org.cnflows.stats.coverage;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.cnflows.common.Seeds;
import org.cnflows.stats.internal.Checks;
import org.cnflows.stats.intervals.Interval;

/**
 * Frequentist coverage by pseudo-experiments (Neyman, Phil. Trans. R. Soc. A 236 (1937) 333: an
 * interval procedure has coverage CL if the true value lies inside in a fraction CL of repeated
 * experiments). Trials run in parallel; trial i draws from its own stream derived from (seed, i),
 * so the report does not depend on the number of threads.
 */
public final class CoverageStudy {

  private CoverageStudy() {}

  /**
   * One pseudo-experiment's result.
   *
   * @param truth the true value
   * @param estimate the point estimate
   * @param interval the interval
   */
  public record Outcome(double truth, double estimate, Interval interval) {}

  /** One pseudo-experiment: generate data with {@code rng}, return truth, estimate, interval. */
  @FunctionalInterface
  public interface Trial {
    /** Runs trial {@code index} with its own random stream. */
    Outcome run(int index, RandomGenerator rng);
  }

  /** Runs {@code trials} trials in parallel and summarizes them. */
  public static CoverageReport run(int trials, long seed, Trial trial) {
    return report(outcomes(trials, seed, trial));
  }

  /** The outcomes of {@code trials} trials, in trial order. */
  public static List<Outcome> outcomes(int trials, long seed, Trial trial) {
    Checks.positive("trials", trials);
    Outcome[] out = new Outcome[trials];
    IntStream.range(0, trials).parallel().forEach(i -> out[i] = trial.run(i, Seeds.rng(seed, i)));
    return Arrays.asList(out);
  }

  /** Coverage, mean width, RMSE and MAE of the outcomes. */
  public static CoverageReport report(List<Outcome> outcomes) {
    if (outcomes.isEmpty()) {
      throw new IllegalArgumentException("no outcomes");
    }
    int covered = 0;
    double width = 0;
    double se = 0;
    double ae = 0;
    for (Outcome o : outcomes) {
      covered += o.interval().contains(o.truth()) ? 1 : 0;
      width += o.interval().width();
      double d = o.estimate() - o.truth();
      se += d * d;
      ae += Math.abs(d);
    }
    int n = outcomes.size();
    return new CoverageReport(n, (double) covered / n, width / n, Math.sqrt(se / n), ae / n);
  }
}
