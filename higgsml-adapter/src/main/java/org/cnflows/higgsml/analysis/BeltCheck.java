package org.cnflows.higgsml.analysis;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.cnflows.common.Json;
import org.cnflows.common.Seeds;
import org.cnflows.higgsml.NuisanceParameters;
import org.cnflows.higgsml.PseudoExperiments;

/**
 * Whether the belt's binned toys behave like real pseudo-experiments. The belt ({@link BeltStage})
 * draws its toys from the templates, which carry the six nuisances but not the templates' own Monte
 * Carlo fluctuations nor anything the templates miss; here, at a few true mu, event-level
 * pseudo-experiments with all six nuisances from their priors are fitted the same way and their
 * mu-hat is compared with the belt's acceptance interval [lo(mu), hi(mu)] at that mu: the belt's
 * binned toys leave a fraction a below lo and b above hi (a = b = 15.87% for a central belt; for
 * the likelihood-ratio ordering a is small near the bound mu = 0), so the event-level quantiles at
 * levels a and 1 - b should be lo and hi. Agreement means each belt edge lies inside the 95%
 * confidence interval of the matching event-level quantile (from the order statistics of the
 * sample; a level outside the sample's resolution, e.g. a = 0 at the bound, is the sample's
 * extreme, whose interval is the whole tail).
 */
public final class BeltCheck {

  private BeltCheck() {}

  /** The absolute tolerance in mu of the agreement of {@link Point#agrees()}. */
  public static final double TOLERANCE = 1e-6;

  /**
   * The settings.
   *
   * @param mu the true mu values (on the belt's grid)
   * @param experiments event-level pseudo-experiments per mu
   * @param seed the master seed (experiment j at mu i from stream (seed, i, j))
   */
  public record Config(double[] mu, int experiments, long seed) {

    /** Validates and copies. */
    public Config {
      if (mu == null || mu.length == 0 || experiments < 10) {
        throw new IllegalArgumentException(
            "the belt check needs at least one mu and 10 experiments per mu, got "
                + (mu == null ? "no mu" : Arrays.toString(mu))
                + " and "
                + experiments);
      }
      mu = mu.clone();
    }

    /**
     * The check of the presets: {@code experiments} per mu at mu = 0.5, 1.5, 2.5 (low, middle and
     * high in the challenge's range), seeded from the analysis's master seed.
     */
    public static Config standard(int experiments, long analysisSeed) {
      return new Config(new double[] {0.5, 1.5, 2.5}, experiments, analysisSeed + 6);
    }
  }

  /**
   * The comparison at one true mu.
   *
   * @param mu the true mu
   * @param experiments the event-level pseudo-experiments
   * @param lowerLevel the fraction of the belt's toys below its lower edge at mu
   * @param upperLevel one minus the fraction above its upper edge
   * @param qLower the event-level mu-hat's quantile at {@code lowerLevel}, with its 95% interval
   *     {@code [qLowerLow, qLowerHigh]}
   * @param qLowerLow lower end of that interval
   * @param qLowerHigh upper end
   * @param qUpper the quantile at {@code upperLevel}
   * @param qUpperLow lower end of its 95% interval
   * @param qUpperHigh upper end
   * @param beltLower the belt's lower edge at mu
   * @param beltUpper the belt's upper edge
   * @param covered how many of the experiments' [p16, p84] from the belt contain mu (the belt's
   *     coverage at fixed mu, nuisances from their priors)
   */
  public record Point(
      double mu,
      int experiments,
      double lowerLevel,
      double upperLevel,
      double qLower,
      double qLowerLow,
      double qLowerHigh,
      double qUpper,
      double qUpperLow,
      double qUpperHigh,
      double beltLower,
      double beltUpper,
      int covered) {

    /** The fraction of experiments whose interval contains mu. */
    public double coverage() {
      return (double) covered / experiments;
    }

    /**
     * Whether both belt edges lie inside the 95% intervals of the event-level quantiles, within
     * {@link #TOLERANCE} (a mu-hat on a bound is the bound only to the fit's precision: 7e-13
     * against 7.5e-13 must agree).
     */
    public boolean agrees() {
      return qLowerLow - TOLERANCE <= beltLower
          && beltLower <= qLowerHigh + TOLERANCE
          && qUpperLow - TOLERANCE <= beltUpper
          && beltUpper <= qUpperHigh + TOLERANCE;
    }
  }

  /** The comparison at every mu (the stage's product). */
  public record Result(List<Point> points) {
    static final String FILE = "belt-check.json";

    /** Copies the list. */
    public Result {
      points = List.copyOf(points);
    }

    void save(Path directory) throws IOException {
      Json.write(directory.resolve(FILE), this);
    }

    static Result load(Path directory) throws IOException {
      return Json.read(
          directory.resolve(FILE), Result.class, "belt check", r -> r.points() != null);
    }

    /** The comparison as a Markdown table. */
    public String markdown() {
      StringBuilder b =
          new StringBuilder(
              "| true mu | event-level PEs | belt's levels | mu-hat at the lower level (95% CI) |"
                  + " belt lower edge | mu-hat at the upper level (95% CI) | belt upper edge |"
                  + " agree | coverage |\n"
                  + "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
      for (Point p : points) {
        b.append(
            String.format(
                Locale.ROOT,
                "| %.2f | %d | %.3f, %.3f | %.3f (%.3f to %.3f) | %.3f | %.3f (%.3f to %.3f) | %.3f"
                    + " | %s | %.3f |%n",
                p.mu(),
                p.experiments(),
                p.lowerLevel(),
                p.upperLevel(),
                p.qLower(),
                p.qLowerLow(),
                p.qLowerHigh(),
                p.beltLower(),
                p.qUpper(),
                p.qUpperLow(),
                p.qUpperHigh(),
                p.beltUpper(),
                p.agrees() ? "yes" : "no",
                p.coverage()));
      }
      return b.toString();
    }
  }

  /** Runs the event-level pseudo-experiments and compares. */
  public static Result run(
      EvaluationStage.Source experiments,
      HiggsMlPredictor analysis,
      Config config,
      PrintStream out) {
    Progress progress =
        new Progress(
            out, "belt-check pseudo-experiments", (long) config.mu().length * config.experiments());
    List<Point> points = new ArrayList<>();
    double[] grid = analysis.belt().muGrid();
    for (int i = 0; i < config.mu().length; i++) {
      double mu = config.mu()[i];
      int at = Arrays.binarySearch(grid, mu);
      if (at < 0) {
        throw new IllegalArgumentException(
            "belt-check mu = " + mu + " is not on the belt's grid " + Arrays.toString(grid));
      }
      List<PseudoExperiments.Request> requests = new ArrayList<>();
      for (int j = 0; j < config.experiments(); j++) {
        SplittableRandom rng = Seeds.rng(config.seed(), i, j);
        NuisanceParameters nu = NuisanceParameters.drawFromPriors(rng);
        requests.add(new PseudoExperiments.Request(mu, nu, rng.nextLong()));
      }
      List<EvaluationStage.Predicted> predicted =
          EvaluationStage.predictAll(experiments, analysis, requests, progress);
      double[] hat = predicted.stream().mapToDouble(p -> p.prediction().muHat()).toArray();
      int covered = 0;
      for (EvaluationStage.Predicted p : predicted) {
        if (p.prediction().p16() <= mu && mu <= p.prediction().p84()) {
          covered++;
        }
      }
      Arrays.sort(hat);
      double lowerLevel = analysis.belt().fractionBelow()[at];
      double upperLevel = 1 - analysis.belt().fractionAbove()[at];
      double[] qLower = quantileWithInterval(hat, lowerLevel);
      double[] qUpper = quantileWithInterval(hat, upperLevel);
      points.add(
          new Point(
              mu,
              hat.length,
              lowerLevel,
              upperLevel,
              qLower[0],
              qLower[1],
              qLower[2],
              qUpper[0],
              qUpper[1],
              qUpper[2],
              analysis.belt().lower()[at],
              analysis.belt().upper()[at],
              covered));
    }
    return new Result(points);
  }

  /**
   * The q-quantile of a sorted sample (linear between order statistics) and the order statistics
   * X_(l) &lt;= X_(u) that bracket it with at least 95% confidence: with B ~ Binomial(n, q) the
   * count at or below the true quantile, l is the largest rank with P(B &lt; l) &lt;= 0.025 and u
   * the smallest with P(B &gt;= u) &lt;= 0.025 (exact, not the normal approximation, so that levels
   * near 0 or 1 are right). Where no rank qualifies, the sample cannot bound the quantile on that
   * side and the end is infinite (e.g. the 0.5% quantile from 40 values has no lower end).
   */
  static double[] quantileWithInterval(double[] sorted, double q) {
    int n = sorted.length;
    double centre = q * (n - 1);
    int below = (int) Math.floor(centre);
    double frac = centre - below;
    double value =
        below + 1 < n ? sorted[below] * (1 - frac) + sorted[below + 1] * frac : sorted[below];
    double[] cdf = new double[n + 1];
    double pmf = Math.pow(1 - q, n);
    double sum = 0;
    for (int k = 0; k <= n; k++) {
      sum += q == 1 ? (k == n ? 1 : 0) : pmf;
      cdf[k] = Math.min(1, sum);
      pmf *= q / (1 - q) * (n - k) / (k + 1);
    }
    double lower = Double.NEGATIVE_INFINITY;
    for (int l = 1; l <= n && cdf[l - 1] <= 0.025; l++) {
      lower = sorted[l - 1];
    }
    double upper = Double.POSITIVE_INFINITY;
    for (int u = n; u >= 1 && 1 - cdf[u - 1] <= 0.025; u--) {
      upper = sorted[u - 1];
    }
    return new double[] {value, lower, upper};
  }
}
