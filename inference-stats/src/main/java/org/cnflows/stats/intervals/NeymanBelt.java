package org.cnflows.stats.intervals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.apache.commons.math3.analysis.polynomials.PolynomialFunction;
import org.apache.commons.math3.fitting.PolynomialCurveFitter;
import org.apache.commons.math3.fitting.WeightedObservedPoints;
import org.cnflows.common.ModelDirectory;
import org.cnflows.common.Seeds;
import org.cnflows.stats.FitResult;
import org.cnflows.stats.FitStatus;
import org.cnflows.stats.internal.Checks;

/**
 * A Neyman confidence belt for mu built from toys (J. Neyman, Phil. Trans. R. Soc. A 236 (1937)
 * 333; PDG Review of Statistics, Sec. 40.4.2.1): for each mu on a grid, pseudo-experiments give the
 * distribution of the estimator mu-hat, and an acceptance interval [lo(mu), hi(mu)] holding a
 * fraction CL of it is chosen by
 *
 * <ul>
 *   <li>{@link Ordering#CENTRAL}: the (1 - CL)/2 and (1 + CL)/2 empirical quantiles;
 *   <li>{@link Ordering#LIKELIHOOD_RATIO}: Feldman and Cousins' ordering (Phys. Rev. D 57 (1998)
 *       3873, Eq. 4.1) applied to the estimator's distribution: a toy x at mu ranks by R = f(x|mu)
 *       / max_mu' f(x|mu') (mu' over the grid, the physically allowed values), and the acceptance
 *       interval is the range of the ceil(CL n) toys of highest R. f(.|mu) is the normal density
 *       with the toys' median and half their 15.87-84.13% quantile range at that mu: the model only
 *       ranks the toys, so the interval holds CL of the toys themselves whatever their shape, and a
 *       smooth ranking does not let the noise of a histogram of a few hundred toys pick them. For
 *       an estimator without a bound (mu-hat below zero allowed) at a physical bound of mu (the
 *       grid starts at 0), this is FC's unified interval: an upper limit where the estimate is low,
 *       never an empty interval, two-sided above.
 * </ul>
 *
 * The confidence interval for an observed mu-hat is {mu : lo(mu) &lt;= mu-hat &lt;= hi(mu)} on the
 * belt interpolated linearly between grid points. Toy j at grid point i draws from a stream derived
 * from (seed, i, j), so the belt does not depend on the number of threads.
 *
 * <p>A toy whose fit did not converge or whose mu-hat is not finite is counted as failed and left
 * out; the counts per grid point are part of the belt ({@link #failedToys}). Leaving toys out
 * biases the quantiles when failures depend on mu-hat, so a build is refused when the failed
 * fraction at any grid point exceeds {@link Config#maxFailureFraction}. Immutable.
 */
public final class NeymanBelt {

  /** The failed fraction of toys per grid point that {@link Config}'s short form allows. */
  public static final double DEFAULT_MAX_FAILURE_FRACTION = 0.01;

  /** How the acceptance interval at each mu is chosen. */
  public enum Ordering {
    /** Equal tails. */
    CENTRAL,
    /** Feldman-Cousins likelihood-ratio ordering on the binned estimator distribution. */
    LIKELIHOOD_RATIO
  }

  /**
   * The outcome of one pseudo-experiment: mu-hat and how its fit ended. Only a {@link
   * FitStatus#CONVERGED} fit with a finite mu-hat enters the belt.
   *
   * @param value mu-hat
   * @param status how the fit ended
   */
  public record Estimate(double value, FitStatus status) {

    /** Validates a status. */
    public Estimate {
      if (status == null) {
        throw new IllegalArgumentException("estimate " + value + " has no fit status");
      }
    }

    /** The fitted value of {@code parameter} and the status of {@code fit}. */
    public static Estimate of(FitResult fit, String parameter) {
      return new Estimate(fit.value(parameter), fit.status());
    }

    /** A value from an estimator without a fit status, taken as converged. */
    public static Estimate converged(double value) {
      return new Estimate(value, FitStatus.CONVERGED);
    }

    /**
     * Whether the toy enters the belt: a finite mu-hat at a minimum the fitter found ({@link
     * FitStatus#minimumFound()}; the belt needs the estimate, not its covariance, so a minimum on a
     * bound counts).
     */
    public boolean usable() {
      return status.minimumFound() && Double.isFinite(value);
    }

    /** Why the toy does not enter the belt, for messages. */
    String failure() {
      if (Double.isFinite(value)) {
        return "fit status " + status + " (mu-hat = " + value + ")";
      }
      return "mu-hat = " + value + (status.isValid() ? "" : ", fit status " + status);
    }
  }

  /** Generates one pseudo-experiment at {@code mu} with {@code rng} and fits it. */
  @FunctionalInterface
  public interface Estimator {
    /** mu-hat and fit status of a pseudo-experiment drawn at the true {@code mu}. */
    Estimate estimate(double mu, RandomGenerator rng);

    /**
     * An estimator of a bare mu-hat without a fit status: a finite value counts as converged, a
     * non-finite one as failed.
     */
    static Estimator ofValue(ValueEstimator values) {
      return (mu, rng) -> Estimate.converged(values.estimate(mu, rng));
    }
  }

  /** Generates one pseudo-experiment at {@code mu} with {@code rng} and returns its mu-hat. */
  @FunctionalInterface
  public interface ValueEstimator {
    /** mu-hat of a pseudo-experiment drawn at the true {@code mu}. */
    double estimate(double mu, RandomGenerator rng);
  }

  /**
   * The settings of a belt.
   *
   * @param muGrid the true values, increasing
   * @param toys pseudo-experiments per grid point, at least {@link #minimumToys} of cl
   * @param cl the confidence level, in (0, 1)
   * @param ordering how acceptance intervals are chosen
   * @param seed the master seed
   * @param threads worker threads for the toys
   * @param maxFailureFraction the largest fraction of failed toys accepted at a grid point, in [0,
   *     1)
   */
  public record Config(
      double[] muGrid,
      int toys,
      double cl,
      Ordering ordering,
      long seed,
      int threads,
      double maxFailureFraction) {

    /** Validates. */
    public Config {
      muGrid = Checks.increasing("muGrid", muGrid, 2).clone();
      Checks.positive("toys", toys);
      Checks.confidenceLevel(cl);
      if (toys < minimumToys(cl)) {
        throw new IllegalArgumentException(
            "toys = "
                + toys
                + " too few for cl = "
                + cl
                + ": each tail (1 - cl)/2 must hold a toy, so toys >= "
                + minimumToys(cl));
      }
      Checks.positive("threads", threads);
      if (!(maxFailureFraction >= 0 && maxFailureFraction < 1)) {
        throw new IllegalArgumentException(
            "maxFailureFraction = " + maxFailureFraction + " outside [0, 1)");
      }
    }

    /** The settings with {@link #DEFAULT_MAX_FAILURE_FRACTION}. */
    public Config(double[] muGrid, int toys, double cl, Ordering ordering, long seed, int threads) {
      this(muGrid, toys, cl, ordering, seed, threads, DEFAULT_MAX_FAILURE_FRACTION);
    }

    /** The fewest toys whose tails (1 - cl)/2 each hold one toy: ceil(2 / (1 - cl)). */
    public static int minimumToys(double cl) {
      return (int) Math.ceil(2 / (1 - Checks.confidenceLevel(cl)) - 1e-9);
    }

    @Override
    public double[] muGrid() {
      return muGrid.clone();
    }
  }

  private final double[] mu;
  private final double[] lo;
  private final double[] hi;
  private final int[] failed;
  private final double[][] tails;
  private final Map<String, String> metadata;

  private NeymanBelt(
      double[] mu,
      double[] lo,
      double[] hi,
      int[] failed,
      double[][] tails,
      Map<String, String> metadata) {
    this.mu = mu;
    this.lo = lo;
    this.hi = hi;
    this.failed = failed;
    this.tails = tails;
    this.metadata = Map.copyOf(metadata);
  }

  /**
   * Runs the toys and builds the belt from the usable ones.
   *
   * @throws IllegalStateException naming each grid point whose failed fraction exceeds {@link
   *     Config#maxFailureFraction} or whose usable toys are fewer than {@link Config#minimumToys},
   *     with its counts and its first failure
   */
  public static NeymanBelt build(Config config, Estimator estimator) {
    Estimate[][] toys = toyEstimates(config, estimator);
    double[] grid = config.muGrid();
    int n = grid.length;
    double[][] usable = new double[n][];
    int[] failed = new int[n];
    StringJoiner refused = new StringJoiner("; ");
    for (int i = 0; i < n; i++) {
      usable[i] =
          Arrays.stream(toys[i]).filter(Estimate::usable).mapToDouble(Estimate::value).toArray();
      failed[i] = config.toys() - usable[i].length;
      double fraction = failed[i] / (double) config.toys();
      if (fraction > config.maxFailureFraction()
          || usable[i].length < Config.minimumToys(config.cl())) {
        int first = 0;
        while (toys[i][first].usable()) {
          first++;
        }
        refused.add(
            "at mu = "
                + grid[i]
                + " "
                + failed[i]
                + " of "
                + config.toys()
                + " toys failed (fraction "
                + fraction
                + "), first toy "
                + first
                + ": "
                + toys[i][first].failure());
      }
    }
    if (refused.length() > 0) {
      throw new IllegalStateException(
          "belt refused, allowed failed fraction "
              + config.maxFailureFraction()
              + " and at least "
              + Config.minimumToys(config.cl())
              + " usable toys per mu: "
              + refused);
    }
    double[] lo = new double[n];
    double[] hi = new double[n];
    if (config.ordering() == Ordering.CENTRAL) {
      for (int i = 0; i < n; i++) {
        double[] s = usable[i].clone();
        Arrays.sort(s);
        lo[i] = quantile(s, (1 - config.cl()) / 2);
        hi[i] = quantile(s, (1 + config.cl()) / 2);
      }
    } else {
      likelihoodRatioBelt(usable, config, lo, hi);
    }
    double[] below = new double[n];
    double[] above = new double[n];
    for (int i = 0; i < n; i++) {
      for (double x : usable[i]) {
        below[i] += x < lo[i] ? 1.0 / usable[i].length : 0;
        above[i] += x > hi[i] ? 1.0 / usable[i].length : 0;
      }
    }
    Map<String, String> meta = new HashMap<>();
    meta.put("cl", Double.toString(config.cl()));
    meta.put("ordering", config.ordering().name());
    meta.put("toys", Integer.toString(config.toys()));
    meta.put("seed", Long.toString(config.seed()));
    meta.put("maxFailureFraction", Double.toString(config.maxFailureFraction()));
    return new NeymanBelt(grid, lo, hi, failed, new double[][] {below, above}, meta);
  }

  /**
   * The estimates of every toy, {@code [grid index][toy index]}, computed in parallel.
   *
   * @throws IllegalStateException naming the mu and toy index when the estimator throws or returns
   *     null
   */
  public static Estimate[][] toyEstimates(Config config, Estimator estimator) {
    double[] grid = config.muGrid();
    int t = config.toys();
    Estimate[][] out = new Estimate[grid.length][t];
    RuntimeException[] thrown = new RuntimeException[grid.length * t];
    ForkJoinPool pool = new ForkJoinPool(config.threads());
    try {
      pool.submit(
              () ->
                  IntStream.range(0, grid.length * t)
                      .parallel()
                      .forEach(
                          k -> {
                            try {
                              out[k / t][k % t] =
                                  estimator.estimate(
                                      grid[k / t], Seeds.rng(config.seed(), k / t, k % t));
                            } catch (RuntimeException e) {
                              thrown[k] = e;
                            }
                          }))
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running toys", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("toys failed outside the estimator", e.getCause());
    } finally {
      pool.shutdown();
    }
    for (int k = 0; k < thrown.length; k++) {
      String at = "at mu = " + grid[k / t] + ", toy " + k % t;
      if (thrown[k] != null) {
        throw new IllegalStateException("estimator threw " + at + ": " + thrown[k], thrown[k]);
      }
      if (out[k / t][k % t] == null) {
        throw new IllegalStateException("estimator returned null " + at);
      }
    }
    return out;
  }

  /** The grid of true values. */
  public double[] muGrid() {
    return mu.clone();
  }

  /** lo(mu) at each grid point. */
  public double[] lower() {
    return lo.clone();
  }

  /** hi(mu) at each grid point. */
  public double[] upper() {
    return hi.clone();
  }

  /**
   * The fraction of the usable toys below lo(mu) at each grid point: (1 - CL)/2 up to rounding for
   * the central ordering, anything from 0 to 1 - CL for the likelihood-ratio ordering; with {@link
   * #fractionAbove}, the quantile levels at which real pseudo-experiments should meet the belt's
   * edges.
   *
   * @throws IllegalStateException for a belt made from its edges ({@link #of}), whose toys are
   *     unknown
   */
  public double[] fractionBelow() {
    return tail(0);
  }

  /**
   * The fraction of the usable toys above hi(mu) at each grid point.
   *
   * @throws IllegalStateException for a belt made from its edges ({@link #of})
   */
  public double[] fractionAbove() {
    return tail(1);
  }

  private double[] tail(int side) {
    if (tails == null) {
      throw new IllegalStateException("a belt made from its edges does not know its toys' tails");
    }
    return tails[side].clone();
  }

  /** The number of failed toys (left out of the belt) at each grid point. */
  public int[] failedToys() {
    return failed.clone();
  }

  /**
   * The failed fraction of the toys at each grid point.
   *
   * @throws IllegalStateException for a loaded belt whose file does not state its toys
   */
  public double[] failedFractions() {
    if (!metadata.containsKey("toys")) {
      throw new IllegalStateException("belt metadata " + metadata + " does not state its toys");
    }
    double toys = Double.parseDouble(metadata.get("toys"));
    return Arrays.stream(failed).mapToDouble(f -> f / toys).toArray();
  }

  /** cl, ordering, toys, seed, maxFailureFraction and failed counts of the construction. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * The confidence interval {mu : lo(mu) &lt;= muHat &lt;= hi(mu)} on the belt interpolated
   * linearly between grid points; an end at the first or last grid point is flagged. When no mu
   * accepts {@code muHat} (it lies below every lo or above every hi), the interval is the grid
   * point of the nearest belt edge, with status {@link Interval.Status#BELOW_BELT} or {@link
   * Interval.Status#ABOVE_BELT}. The belt's edges are compared with {@code muHat} to within {@value
   * #EDGE_TOLERANCE} of the belt's scale (so an interval's ends move by at most that much divided
   * by the edge's slope): a fit whose minimum lies on a parameter bound returns the bound only to
   * within rounding (e.g. 1e-13 for mu-hat = 0), and so did the toys that made the edges.
   */
  public Interval invert(double muHat) {
    Checks.finite("muHat", muHat);
    double lowest = Arrays.stream(lo).min().orElseThrow();
    double highest = Arrays.stream(hi).max().orElseThrow();
    double tolerance = EDGE_TOLERANCE * (highest - lowest + Math.abs(highest) + Math.abs(lowest));
    double lower = Double.POSITIVE_INFINITY;
    double upper = Double.NEGATIVE_INFINITY;
    for (int a = 0; a + 1 < mu.length; a++) {
      double[] t = accepted(a, muHat, tolerance);
      if (t[0] <= t[1]) {
        lower = Math.min(lower, mu[a] + t[0] * (mu[a + 1] - mu[a]));
        upper = Math.max(upper, mu[a] + t[1] * (mu[a + 1] - mu[a]));
      }
    }
    if (lower <= upper) {
      return new Interval(muHat, lower, upper, lower == mu[0], upper == mu[mu.length - 1]);
    }
    int below = 0;
    int above = 0;
    for (int i = 1; i < mu.length; i++) {
      below = lo[i] < lo[below] ? i : below;
      above = hi[i] > hi[above] ? i : above;
    }
    int edge = muHat < lo[below] ? below : above;
    return new Interval(
        muHat,
        mu[edge],
        mu[edge],
        edge == 0,
        edge == mu.length - 1,
        muHat < lo[below] ? Interval.Status.BELOW_BELT : Interval.Status.ABOVE_BELT);
  }

  /**
   * The range [t0, t1] of t in [0, 1] where lo(t) &lt;= x + tol and hi(t) &gt;= x - tol on the
   * segment from grid point a to a + 1 (empty when t0 &gt; t1).
   */
  private double[] accepted(int a, double x, double tol) {
    double[] t = {0, 1};
    bound(t, lo[a], lo[a + 1] - lo[a], x + tol, true);
    bound(t, hi[a], hi[a + 1] - hi[a], x - tol, false);
    return t;
  }

  /** Narrows t to where edge(t) = e0 + t d is at most x (atMost) or at least x. */
  private static void bound(double[] t, double e0, double d, double x, boolean atMost) {
    if (d == 0) {
      if (atMost ? e0 > x : e0 < x) {
        t[0] = 1;
        t[1] = 0;
      }
      return;
    }
    double c = (x - e0) / d;
    if (atMost == d > 0) {
      t[1] = Math.min(t[1], c);
    } else {
      t[0] = Math.max(t[0], c);
    }
  }

  /** The relative distance beyond the belt's extreme edges that {@link #invert} calls rounding. */
  public static final double EDGE_TOLERANCE = 1e-9;

  /** The model type of a saved belt ({@link ModelDirectory}). */
  public static final String TYPE = "neyman-belt";

  /** The configuration of a saved belt. */
  record Saved(
      double[] mu,
      double[] lower,
      double[] upper,
      int[] failed,
      double[] fractionBelow,
      double[] fractionAbove,
      Map<String, String> metadata) {}

  /**
   * A belt from its acceptance bounds (e.g. computed elsewhere or from a table), without toy
   * metadata.
   *
   * @throws IllegalArgumentException if the arrays differ in length, mu is not increasing with at
   *     least 2 points, or a bound is NaN or lower &gt; upper
   */
  public static NeymanBelt of(double[] mu, double[] lower, double[] upper) {
    return checked(mu, lower, upper, new int[mu.length], null, Map.of(), "belt");
  }

  private static NeymanBelt checked(
      double[] mu,
      double[] lower,
      double[] upper,
      int[] failed,
      double[][] tails,
      Map<String, String> metadata,
      String what) {
    Checks.increasing(what + " mu", mu, 2);
    if (lower.length != mu.length || upper.length != mu.length || failed.length != mu.length) {
      throw new IllegalArgumentException(
          what
              + ": "
              + mu.length
              + " mu values, "
              + lower.length
              + " lower and "
              + upper.length
              + " upper bounds, "
              + failed.length
              + " failed counts");
    }
    for (int i = 0; i < mu.length; i++) {
      if (!(lower[i] <= upper[i])) {
        throw new IllegalArgumentException(
            what + " at mu = " + mu[i] + ": lower = " + lower[i] + ", upper = " + upper[i]);
      }
    }
    if (tails != null && (tails[0].length != mu.length || tails[1].length != mu.length)) {
      throw new IllegalArgumentException(
          what
              + ": "
              + mu.length
              + " mu values, "
              + tails[0].length
              + " fractions below and "
              + tails[1].length
              + " above the belt");
    }
    return new NeymanBelt(
        mu.clone(), lower.clone(), upper.clone(), failed.clone(), tails, metadata);
  }

  /**
   * Writes the belt in the one saved-model format ({@link ModelDirectory}, type {@value #TYPE}):
   * grid, bounds, failed-toy counts, the toys' fractions outside the bounds and the build metadata
   * (cl, ordering, toys, seed).
   *
   * @throws IOException if the directory cannot be written
   */
  public void save(Path directory) throws IOException {
    String seed = metadata.get("seed");
    ModelDirectory.write(
        directory,
        TYPE,
        new Saved(
            mu,
            lo,
            hi,
            failed,
            tails == null ? null : tails[0],
            tails == null ? null : tails[1],
            metadata),
        new ModelDirectory.Record(
            seed == null ? 0 : Long.parseLong(seed), null, List.of(), "none"));
  }

  /**
   * Reads a belt written by {@link #save}.
   *
   * @throws IOException if the directory has no manifest or it cannot be read
   * @throws IllegalArgumentException if the saved belt is incomplete or inconsistent
   */
  public static NeymanBelt load(Path directory) throws IOException {
    Saved b = ModelDirectory.read(directory, TYPE, Saved.class).config();
    if (b.mu() == null || b.lower() == null || b.upper() == null || b.failed() == null) {
      throw new IllegalArgumentException(directory + ": the saved belt lacks grid or bounds");
    }
    return checked(
        b.mu(),
        b.lower(),
        b.upper(),
        b.failed(),
        b.fractionBelow() == null || b.fractionAbove() == null
            ? null
            : new double[][] {b.fractionBelow(), b.fractionAbove()},
        b.metadata() == null ? Map.of() : b.metadata(),
        directory.toString());
  }

  private static double quantile(double[] sorted, double p) {
    double pos = p * (sorted.length - 1);
    int i = (int) Math.floor(pos);
    int j = Math.min(i + 1, sorted.length - 1);
    return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
  }

  /** The ordering of {@link Ordering#LIKELIHOOD_RATIO} (see the class comment). */
  private static void likelihoodRatioBelt(
      double[][] toys, Config config, double[] lo, double[] hi) {
    int n = toys.length;
    double[] grid = config.muGrid();
    WeightedObservedPoints medians = new WeightedObservedPoints();
    WeightedObservedPoints spreads = new WeightedObservedPoints();
    for (int i = 0; i < n; i++) {
      double[] s = toys[i].clone();
      Arrays.sort(s);
      medians.add(grid[i], quantile(s, 0.5));
      spreads.add(grid[i], (quantile(s, 0.8413) - quantile(s, 0.1587)) / 2);
    }
    int degree = Math.min(2, n - 1);
    PolynomialFunction centreOf =
        new PolynomialFunction(PolynomialCurveFitter.create(degree).fit(medians.toList()));
    PolynomialFunction scaleOf =
        new PolynomialFunction(PolynomialCurveFitter.create(degree).fit(spreads.toList()));
    double[] centre = new double[n];
    double[] scale = new double[n];
    for (int i = 0; i < n; i++) {
      centre[i] = centreOf.value(grid[i]);
      scale[i] = scaleOf.value(grid[i]);
      if (!(scale[i] > 0)) {
        throw new IllegalStateException(
            "at mu = "
                + grid[i]
                + " the smoothed half-range of the toys' 15.87-84.13% quantiles is "
                + scale[i]
                + ": the likelihood-ratio ordering needs a spread (use CENTRAL)");
      }
    }
    for (int i = 0; i < n; i++) {
      int m = toys[i].length;
      double[] rank = new double[m];
      Integer[] order = new Integer[m];
      for (int t = 0; t < m; t++) {
        double x = toys[i][t];
        double best = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
          best = Math.max(best, logNormal(x, centre[j], scale[j]));
        }
        rank[t] = logNormal(x, centre[i], scale[i]) - best;
        order[t] = t;
      }
      Arrays.sort(order, (a, b) -> Double.compare(rank[b], rank[a]));
      int keep = (int) Math.ceil(config.cl() * m - 1e-9);
      lo[i] = Double.POSITIVE_INFINITY;
      hi[i] = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < keep; k++) {
        lo[i] = Math.min(lo[i], toys[i][order[k]]);
        hi[i] = Math.max(hi[i], toys[i][order[k]]);
      }
    }
  }

  private static double logNormal(double x, double centre, double scale) {
    double z = (x - centre) / scale;
    return -0.5 * z * z - Math.log(scale);
  }
}
