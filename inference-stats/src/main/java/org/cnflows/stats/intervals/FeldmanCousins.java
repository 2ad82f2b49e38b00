package org.cnflows.stats.intervals;

import java.util.function.DoublePredicate;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.analysis.solvers.BrentSolver;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.special.Gamma;
import org.cnflows.stats.internal.Checks;

/**
 * The unified (likelihood-ratio ordered) confidence intervals of G.J. Feldman and R.D. Cousins,
 * Phys. Rev. D 57 (1998) 3873, for two cases with a physical bound mu &gt;= 0.
 *
 * <p>Poisson signal mu with known background b (Sec. IV.B): for each mu the acceptance region
 * collects counts n in decreasing order of R = P(n|mu + b) / P(n|mu_best + b), mu_best = max(0, n -
 * b) (Eq. 4.1), until their probability reaches CL; the interval for observed n0 is the set of mu
 * whose region contains n0, found by scanning mu in steps of 0.005 and bisecting each end to 1e-7.
 * R is unimodal in n, so the region grows from its mode towards the larger neighbour.
 *
 * <p>The pure construction is implemented, with no further adjustment. It reproduces their Tables
 * IV and VI at the rows tested (b = 0, and b = 3 for n0 &gt;= 1), but not the n0 = 0 row with
 * background: there the pure construction's upper end saw-tooths in b (1.08, 1.18, 0.95, 1.06 for b
 * = 2, 2.5, 3, 3.5) while Table IV decreases smoothly (1.26, 1.18, 1.08, 1.06), so the published
 * row evidently carries an adjustment that is not reproduced here.
 *
 * <p>Gaussian mean mu &gt;= 0 with unit sigma (Sec. IV.C): R(x) = exp(-(x - mu)^2/2) for x &gt;= 0
 * and exp(x mu - mu^2/2) for x &lt; 0 (Eq. 4.3); the region [x1, x2] has R(x1) = R(x2) and
 * probability CL, and the interval for x0 is solved from x1(mu) = x0 and x2(mu) = x0.
 */
public final class FeldmanCousins {

  private static final double STEP = 0.005;

  /**
   * The largest background the Poisson construction accepts. Its cost grows with b (an acceptance
   * region below b holds of order b counts, each summed at every scanned mu: 3 s at b = 1e4 for n =
   * 0); above it the Poisson is Gaussian to better than 1% in its central 90%, so use {@link
   * #boundedGaussian} with x0 = (n - b) / sqrt(b) in units of sqrt(b).
   */
  public static final double MAX_BACKGROUND = 1e4;

  private FeldmanCousins() {}

  /**
   * The interval for a Poisson signal mean given {@code n} observed events and known background
   * {@code b}.
   *
   * @param n the observed count, &gt;= 0
   * @param b the background, finite, in [0, {@link #MAX_BACKGROUND}]
   * @param cl the confidence level, in (0, 1)
   * @throws IllegalArgumentException for a value outside these ranges, or when no mu has {@code n}
   *     in its acceptance region (possible at low cl with n far below b)
   */
  public static Interval poisson(int n, double b, double cl) {
    checkPoisson(0, b, cl);
    if (n < 0) {
      throw new IllegalArgumentException("observed count n = " + n + " is negative");
    }
    DoublePredicate accepted = mu -> inAcceptance(n, mu, b, cl);
    double limit = n + 5 * Math.sqrt(n + 1) + 10;
    double first = -1;
    double last = -1;
    for (int i = 0; ; i++) {
      double mu = i * STEP;
      if (accepted.test(mu)) {
        first = first < 0 ? mu : first;
        last = mu;
      } else if (mu > limit) {
        break;
      }
    }
    if (first < 0) {
      throw new IllegalArgumentException(
          "no signal mu in [0, "
              + limit
              + "] has n = "
              + n
              + " in its acceptance region (b = "
              + b
              + ", cl = "
              + cl
              + "): the construction's interval is empty");
    }
    double lower = first == 0 ? 0 : bisect(accepted, first - STEP, first);
    double upper = bisect(accepted, last + STEP, last);
    return new Interval(Math.max(0, n - b), lower, upper, lower == 0, false);
  }

  /**
   * The acceptance region [n1, n2] of the Poisson construction at signal {@code mu}.
   *
   * @param mu the signal, finite and &gt;= 0
   * @param b the background, finite, in [0, {@link #MAX_BACKGROUND}]
   * @param cl the confidence level, in (0, 1)
   * @return {n1, n2}
   */
  public static int[] poissonAcceptance(double mu, double b, double cl) {
    checkPoisson(mu, b, cl);
    double lambda = mu + b;
    int lo = (int) Math.floor(lambda);
    while (lo > 0 && logR(lo - 1, lambda, b) > logR(lo, lambda, b)) {
      lo--;
    }
    while (logR(lo + 1, lambda, b) > logR(lo, lambda, b)) {
      lo++;
    }
    int hi = lo;
    double sum = Math.exp(logPoisson(lo, lambda));
    while (sum < cl) {
      boolean left = lo > 0 && logR(lo - 1, lambda, b) >= logR(hi + 1, lambda, b);
      int k = left ? --lo : ++hi;
      sum += Math.exp(logPoisson(k, lambda));
    }
    return new int[] {lo, hi};
  }

  private static void checkPoisson(double mu, double b, double cl) {
    Checks.confidenceLevel(cl);
    if (!(mu >= 0) || !Double.isFinite(mu)) {
      throw new IllegalArgumentException("signal mu = " + mu + " is not a finite mean >= 0");
    }
    if (!(b >= 0) || !Double.isFinite(b)) {
      throw new IllegalArgumentException("background b = " + b + " is not a finite count >= 0");
    }
    if (b > MAX_BACKGROUND) {
      throw new IllegalArgumentException(
          "background b = "
              + b
              + " exceeds "
              + MAX_BACKGROUND
              + ": the Poisson construction's cost grows with b; use boundedGaussian with x0 ="
              + " (n - b) / sqrt(b)");
    }
  }

  /** ln R(n) = ln P(n|mu + b) - ln P(n|mu_best + b); unimodal in n. */
  private static double logR(int n, double lambda, double b) {
    return logPoisson(n, lambda) - logPoisson(n, Math.max(0, n - b) + b);
  }

  /** The interval for the mean mu &gt;= 0 of a unit Gaussian measured as {@code x0}. */
  public static Interval boundedGaussian(double x0, double cl) {
    Checks.confidenceLevel(cl);
    Checks.finite("x0", x0);
    double x2AtZero = new NormalDistribution(null, 0, 1).inverseCumulativeProbability(cl);
    double hiBracket = Math.max(x0, 0) + 20;
    double lower =
        x0 <= x2AtZero ? 0 : solve(mu -> gaussianAcceptance(mu, cl)[1] - x0, 0, hiBracket);
    double upper = solve(mu -> gaussianAcceptance(mu, cl)[0] - x0, 1e-12, hiBracket);
    return new Interval(Math.max(0, x0), lower, upper, lower == 0, false);
  }

  /**
   * The acceptance region [x1, x2] of the bounded-Gaussian construction at {@code mu} (x1 = -inf at
   * mu = 0).
   *
   * @param mu the mean, finite and &gt;= 0
   * @param cl the confidence level, in (0, 1)
   */
  public static double[] gaussianAcceptance(double mu, double cl) {
    Checks.confidenceLevel(cl);
    if (!(mu >= 0) || !Double.isFinite(mu)) {
      throw new IllegalArgumentException(
          "mean mu = " + mu + " is not finite and >= 0 (the construction bounds mu >= 0)");
    }
    NormalDistribution phi = new NormalDistribution(null, 0, 1);
    if (mu == 0) {
      return new double[] {Double.NEGATIVE_INFINITY, phi.inverseCumulativeProbability(cl)};
    }
    DoubleUnaryOperator coverage =
        d -> phi.cumulativeProbability(d) - phi.cumulativeProbability(left(mu, d) - mu) - cl;
    double d = solve(coverage, 0, 40);
    return new double[] {left(mu, d), mu + d};
  }

  /** The x1 &lt; mu with R(x1) = R(mu + d). */
  private static double left(double mu, double d) {
    return d <= mu ? mu - d : (mu * mu - d * d) / (2 * mu);
  }

  private static boolean inAcceptance(int n, double mu, double b, double cl) {
    int[] a = poissonAcceptance(mu, b, cl);
    return a[0] <= n && n <= a[1];
  }

  private static double logPoisson(int k, double lambda) {
    if (lambda == 0) {
      return k == 0 ? 0 : Double.NEGATIVE_INFINITY;
    }
    return k * Math.log(lambda) - lambda - Gamma.logGamma(k + 1.0);
  }

  /** The boundary between {@code out} (not accepted) and {@code in} (accepted), to 1e-7. */
  private static double bisect(DoublePredicate accepted, double out, double in) {
    while (Math.abs(in - out) > 1e-7) {
      double mid = 0.5 * (in + out);
      if (accepted.test(mid)) {
        in = mid;
      } else {
        out = mid;
      }
    }
    return 0.5 * (in + out);
  }

  private static double solve(DoubleUnaryOperator f, double a, double b) {
    return new BrentSolver(1e-15, 1e-12).solve(10000, f::applyAsDouble, a, b);
  }
}
