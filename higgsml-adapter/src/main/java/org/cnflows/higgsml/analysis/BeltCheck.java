package org.cnflows.higgsml.analysis;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
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
 * pseudo-experiments with all six nuisances from their priors are fitted the same way and the 16%
 * and 84% quantiles of their mu-hat are compared with the belt's band at that mu. Agreement means
 * each belt edge lies inside the 95% confidence interval of the matching event-level quantile (from
 * the order statistics of the sample).
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
   * @param q16 their mu-hat's 16% quantile with its 95% interval {@code [q16Low, q16High]}
   * @param q16Low lower end of that interval
   * @param q16High upper end
   * @param q84 the 84% quantile
   * @param q84Low lower end of its 95% interval
   * @param q84High upper end
   * @param beltLower the belt's lower edge at mu (the binned toys' 16% quantile)
   * @param beltUpper the belt's upper edge (84%)
   * @param covered how many of the experiments' [p16, p84] from the belt contain mu (the belt's
   *     coverage at fixed mu, nuisances from their priors)
   */
  public record Point(
      double mu,
      int experiments,
      double q16,
      double q16Low,
      double q16High,
      double q84,
      double q84Low,
      double q84High,
      double beltLower,
      double beltUpper,
      int covered) {

    /** The fraction of experiments whose interval contains mu. */
    public double coverage() {
      return (double) covered / experiments;
    }

    /**
     * Whether both belt edges lie inside the 95% intervals of the event-level quantiles, within
     * {@link #TOLERANCE} (a mu-hat on the bound 0 is 0 only to the fit's precision: 7e-13 against
     * 7.5e-13 must agree).
     */
    public boolean agrees() {
      return q16Low - TOLERANCE <= beltLower
          && beltLower <= q16High + TOLERANCE
          && q84Low - TOLERANCE <= beltUpper
          && beltUpper <= q84High + TOLERANCE;
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
      Files.createDirectories(directory);
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
              "| true mu | event-level PEs | mu-hat 16% (95% CI) | belt 16% | mu-hat 84% (95% CI)"
                  + " | belt 84% | agree | coverage |\n"
                  + "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
      for (Point p : points) {
        b.append(
            String.format(
                Locale.ROOT,
                "| %.2f | %d | %.3f (%.3f-%.3f) | %.3f | %.3f (%.3f-%.3f) | %.3f | %s | %.3f |%n",
                p.mu(),
                p.experiments(),
                p.q16(),
                p.q16Low(),
                p.q16High(),
                p.beltLower(),
                p.q84(),
                p.q84Low(),
                p.q84High(),
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
      double[] q16 = quantileWithInterval(hat, 0.16);
      double[] q84 = quantileWithInterval(hat, 0.84);
      points.add(
          new Point(
              mu,
              hat.length,
              q16[0],
              q16[1],
              q16[2],
              q84[0],
              q84[1],
              q84[2],
              analysis.belt().lower()[at],
              analysis.belt().upper()[at],
              covered));
    }
    return new Result(points);
  }

  /**
   * The q-quantile of a sorted sample and the order statistics that bracket it with 95% confidence
   * (normal approximation of the binomial count below the quantile).
   */
  static double[] quantileWithInterval(double[] sorted, double q) {
    int n = sorted.length;
    double centre = q * (n - 1);
    double half = 1.96 * Math.sqrt(n * q * (1 - q));
    int lo = (int) Math.max(0, Math.floor(centre - half));
    int hi = (int) Math.min(n - 1, Math.ceil(centre + half));
    int below = (int) Math.floor(centre);
    double frac = centre - below;
    double value =
        below + 1 < n ? sorted[below] * (1 - frac) + sorted[below + 1] * frac : sorted[below];
    return new double[] {value, sorted[lo], sorted[hi]};
  }
}
