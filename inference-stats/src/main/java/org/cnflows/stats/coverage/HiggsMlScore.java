package org.cnflows.stats.coverage;

import java.util.List;
import java.util.random.RandomGenerator;
import org.cnflows.stats.internal.Checks;

/**
 * The score of the FAIR Universe HiggsML Uncertainty Challenge (arXiv:2410.02867, Sec. 3, and the
 * official scorer of the challenge's starting kit, whose eps = 1e-3 is the default here; the
 * whitepaper and Elsharkawy and Kahn, App. D, write 1e-2).
 *
 * <p>For N pseudo-experiments with true mu_i and intervals [p16_i, p84_i]: width w = mean|p84 -
 * p16|, coverage c = fraction with p16 &lt;= mu &lt;= p84, sigma68 = sqrt(0.6827 (1 - 0.6827) / N),
 * band [0.6827 - 2 sigma68, 0.6827 + 2 sigma68], f(c) = 1 inside the band, 1 + |(c - lower) /
 * sigma68|^4 below and 1 + |(c - upper) / sigma68|^3 above, and score = -ln((w + eps) f(c)).
 *
 * <p>Pooled: all pseudo-experiments form one N. The final phase bootstrapped over sets: each of the
 * resamples draws sets with replacement, averages their per-set coverages and widths, and scores
 * those averages with f evaluated at the resample's total N (the pooled convention); returned as
 * the mean and standard deviation over resamples.
 */
public final class HiggsMlScore {

  /** The nominal coverage 0.6827 of the challenge. */
  public static final double NOMINAL = 0.6827;

  /** eps of the official scorer. */
  public static final double DEFAULT_EPS = 1e-3;

  private HiggsMlScore() {}

  /**
   * One set of pseudo-experiments.
   *
   * @param truth true mu_i
   * @param p16 lower interval ends
   * @param p84 upper interval ends
   */
  public record Set(double[] truth, double[] p16, double[] p84) {

    /**
     * Validates equal, non-zero lengths and finite values. A reversed interval (p16 &gt; p84) is
     * kept, as the official scorer keeps it: it covers nothing and its width is |p84 - p16|.
     */
    public Set {
      checkColumns(new String[] {"truth", "p16", "p84"}, truth, p16, p84);
      truth = truth.clone();
      p16 = p16.clone();
      p84 = p84.clone();
    }

    /** The fraction of intervals that contain the truth. */
    public double coverage() {
      int c = 0;
      for (int i = 0; i < truth.length; i++) {
        c += p16[i] <= truth[i] && truth[i] <= p84[i] ? 1 : 0;
      }
      return (double) c / truth.length;
    }

    /** The mean width mean|p84 - p16|. */
    public double width() {
      double w = 0;
      for (int i = 0; i < truth.length; i++) {
        w += Math.abs(p84[i] - p16[i]);
      }
      return w / truth.length;
    }

    /** The number of pseudo-experiments. */
    public int size() {
      return truth.length;
    }
  }

  /**
   * A bootstrap summary.
   *
   * @param mean the mean score over resamples
   * @param std the standard deviation of the score over resamples
   */
  public record Bootstrap(double mean, double std) {}

  /** sigma68 = sqrt(0.6827 (1 - 0.6827) / N). */
  public static double sigma68(int n) {
    Checks.positive("N", n);
    return Math.sqrt(NOMINAL * (1 - NOMINAL) / n);
  }

  /** {lower, upper} = 0.6827 -+ 2 sigma68. */
  public static double[] band(int n) {
    double s = sigma68(n);
    return new double[] {NOMINAL - 2 * s, NOMINAL + 2 * s};
  }

  /** The coverage penalty f(c) for N pseudo-experiments. */
  public static double penalty(double coverage, int n) {
    if (!(coverage >= 0 && coverage <= 1)) {
      throw new IllegalArgumentException("coverage c = " + coverage + " outside [0, 1]");
    }
    double s = sigma68(n);
    double[] b = band(n);
    if (coverage < b[0]) {
      return 1 + Math.pow(Math.abs((coverage - b[0]) / s), 4);
    }
    if (coverage > b[1]) {
      return 1 + Math.pow(Math.abs((coverage - b[1]) / s), 3);
    }
    return 1;
  }

  /** -ln((w + eps) f(c)) for coverage c and mean width w over N pseudo-experiments. */
  public static double score(double coverage, double width, int n, double eps) {
    if (!(width >= 0) || !(eps >= 0)) {
      throw new IllegalArgumentException("width = " + width + ", eps = " + eps + " not >= 0");
    }
    return -Math.log((width + eps) * penalty(coverage, n));
  }

  /** The score of one set (or of pooled sets, see {@link #pool}). */
  public static double score(Set set, double eps) {
    return score(set.coverage(), set.width(), set.size(), eps);
  }

  /** All sets as one. */
  public static Set pool(List<Set> sets) {
    if (sets.isEmpty()) {
      throw new IllegalArgumentException("no sets");
    }
    int n = sets.stream().mapToInt(Set::size).sum();
    double[][] cols = new double[3][n];
    int at = 0;
    for (Set s : sets) {
      System.arraycopy(s.truth(), 0, cols[0], at, s.size());
      System.arraycopy(s.p16(), 0, cols[1], at, s.size());
      System.arraycopy(s.p84(), 0, cols[2], at, s.size());
      at += s.size();
    }
    return new Set(cols[0], cols[1], cols[2]);
  }

  /** The final-phase bootstrap over sets (see the class Javadoc). */
  public static Bootstrap bootstrap(
      List<Set> sets, int resamples, double eps, RandomGenerator rng) {
    return bootstrapFigures(sets, resamples, eps, rng).score();
  }

  /**
   * The bootstrap of {@link #bootstrap} with the coverage and the width of each resample beside its
   * score.
   *
   * @param score the score over resamples
   * @param coverage the resamples' average per-set coverage
   * @param width the resamples' average per-set mean width
   */
  public record Figures(Bootstrap score, Bootstrap coverage, Bootstrap width) {}

  /**
   * The final-phase bootstrap over sets of the score, the coverage and the width (the same
   * resamples, drawn from {@code rng} as {@link #bootstrap} draws them).
   */
  public static Figures bootstrapFigures(
      List<Set> sets, int resamples, double eps, RandomGenerator rng) {
    Checks.positive("resamples", resamples);
    if (sets.isEmpty()) {
      throw new IllegalArgumentException("no sets");
    }
    int k = sets.size();
    double[][] sums = new double[3][2];
    for (int r = 0; r < resamples; r++) {
      double c = 0;
      double w = 0;
      int n = 0;
      for (int j = 0; j < k; j++) {
        Set s = sets.get(rng.nextInt(k));
        c += s.coverage();
        w += s.width();
        n += s.size();
      }
      double[] v = {score(c / k, w / k, n, eps), c / k, w / k};
      for (int f = 0; f < 3; f++) {
        sums[f][0] += v[f];
        sums[f][1] += v[f] * v[f];
      }
    }
    Bootstrap[] b = new Bootstrap[3];
    for (int f = 0; f < 3; f++) {
      double mean = sums[f][0] / resamples;
      b[f] = new Bootstrap(mean, Math.sqrt(Math.max(0, sums[f][1] / resamples - mean * mean)));
    }
    return new Figures(b[0], b[1], b[2]);
  }

  /**
   * The challenge's secondary RMSE score sqrt(mean((mu-hat - mu)^2) + mean(((mu-hat - mu)^2 -
   * dmu^2)^2)), dmu the reported uncertainty. The starting kit's score.py calls this once per
   * pseudo-experiment and averages over the set: for that convention pass one-element arrays and
   * average.
   */
  public static double rmseScore(double[] truth, double[] estimate, double[] uncertainty) {
    check(truth, estimate, uncertainty);
    double a = 0;
    double b = 0;
    for (int i = 0; i < truth.length; i++) {
      double e2 = Math.pow(estimate[i] - truth[i], 2);
      a += e2;
      b += Math.pow(e2 - uncertainty[i] * uncertainty[i], 2);
    }
    return Math.sqrt(a / truth.length + b / truth.length);
  }

  /** The secondary MAE score mean|mu-hat - mu| + mean| |mu-hat - mu| - dmu |. */
  public static double maeScore(double[] truth, double[] estimate, double[] uncertainty) {
    check(truth, estimate, uncertainty);
    double a = 0;
    double b = 0;
    for (int i = 0; i < truth.length; i++) {
      double e = Math.abs(estimate[i] - truth[i]);
      a += e;
      b += Math.abs(e - uncertainty[i]);
    }
    return a / truth.length + b / truth.length;
  }

  private static void check(double[] truth, double[] estimate, double[] uncertainty) {
    checkColumns(new String[] {"truth", "estimate", "uncertainty"}, truth, estimate, uncertainty);
  }

  /** Finite, non-empty columns of one length; the message names each column's length. */
  private static void checkColumns(String[] names, double[]... columns) {
    StringBuilder lengths = new StringBuilder();
    boolean differ = false;
    for (int c = 0; c < columns.length; c++) {
      Checks.finiteArray(names[c], columns[c]);
      differ |= columns[c].length != columns[0].length;
      lengths.append(c == 0 ? "" : ", ").append(names[c]).append(' ').append(columns[c].length);
    }
    if (differ) {
      throw new IllegalArgumentException("lengths differ: " + lengths);
    }
  }
}
