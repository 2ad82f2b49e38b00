package org.cnflows.stats.intervals;

import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.analysis.solvers.BrentSolver;
import org.cnflows.stats.internal.Checks;
import org.cnflows.stats.models.LogDensities;

/**
 * The signal-ratio mixture likelihood of Sluijter's thesis (Sec. 3.1.1 and 3.3.1), profiled over a
 * nuisance z known on a grid, as the thesis does: NLL(mu, z_k) = -sum_i ln[(mu p_s(x_i|z_k) +
 * p_b(x_i|z_k)) / (1 + mu)], NLL_p(mu) = min_k NLL(mu, z_k), and the interval {mu : NLL_p(mu) - min
 * NLL_p &lt; t} (Sec. 3.3.2; t = 0.5 for 68.3%); the same for z profiled over mu ({@link
 * #zInterval}).
 *
 * <p>mu itself is continuous. In the signal fraction f = mu / (1 + mu) each NLL(., z_k) is convex
 * (a sum of -ln of functions linear in f), so its minimum is found by safeguarded Newton steps and
 * its threshold crossings by Brent root finding; the profiled region is the union over k of the
 * per-z intervals, returned as their hull. Per event only q_i = e^-|ln p_s - ln p_b| is kept, so no
 * density ratio overflows. Immutable and thread-safe.
 */
public final class MixtureGridProfile {

  private final double[] zGrid;
  private final double[] logBackgroundSum;
  private final double[][] q;
  private final boolean[][] signalHigher;

  /**
   * @param zGrid the nuisance grid
   * @param densities the per-event log-densities of one dataset at each grid value
   */
  public MixtureGridProfile(double[] zGrid, LogDensities[] densities) {
    Checks.finiteArray("zGrid", zGrid);
    if (densities.length != zGrid.length) {
      throw new IllegalArgumentException(
          densities.length + " density sets for " + zGrid.length + " grid values");
    }
    this.zGrid = zGrid.clone();
    int nz = zGrid.length;
    int n = densities[0].size();
    logBackgroundSum = new double[nz];
    q = new double[nz][n];
    signalHigher = new boolean[nz][n];
    for (int k = 0; k < nz; k++) {
      if (densities[k].size() != n) {
        throw new IllegalArgumentException(
            "grid value " + k + " has " + densities[k].size() + " events, expected " + n);
      }
      double[] ls = densities[k].logSignal();
      double[] lb = densities[k].logBackground();
      for (int i = 0; i < n; i++) {
        double delta = ls[i] - lb[i];
        if (Double.isNaN(delta)) {
          throw new IllegalArgumentException(
              "event " + i + " has ln p_s = ln p_b = -infinity at z = " + zGrid[k]);
        }
        signalHigher[k][i] = delta > 0;
        q[k][i] = Math.exp(-Math.abs(delta));
        logBackgroundSum[k] += delta > 0 ? ls[i] : lb[i];
      }
    }
  }

  /** The grid values of z. */
  public double[] zGrid() {
    return zGrid.clone();
  }

  /** NLL(mu, z_k), including the constant -sum ln p. */
  public double nll(double mu, int k) {
    return nllOfFraction(mu / (1 + mu), k);
  }

  /** NLL(mu_i, z_k) - min over the scanned grid, in {@code [i][k]}. */
  public double[][] scan(double[] muGrid) {
    Checks.nonNegativeArray("muGrid", muGrid);
    double[][] out = new double[muGrid.length][zGrid.length];
    double min = Double.POSITIVE_INFINITY;
    for (int i = 0; i < muGrid.length; i++) {
      for (int k = 0; k < zGrid.length; k++) {
        out[i][k] = nll(muGrid[i], k);
        min = Math.min(min, out[i][k]);
      }
    }
    for (double[] row : out) {
      for (int k = 0; k < row.length; k++) {
        row[k] -= min;
      }
    }
    return out;
  }

  /**
   * The profiled interval of mu within [muLower, muUpper] where NLL_p - min &lt; {@code threshold};
   * the estimate is the profiled minimum.
   */
  public Interval muInterval(double threshold, double muLower, double muUpper) {
    Checks.finite("threshold", threshold);
    MuProfile p = profileOverMu(muLower, muUpper);
    double level = p.value[p.best] + threshold;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < zGrid.length; k++) {
      if (p.value[k] >= level) {
        continue;
      }
      int kk = k;
      DoubleUnaryOperator g = f -> nllOfFraction(f, kk) - level;
      lo = Math.min(lo, g.applyAsDouble(p.fLo) <= 0 ? p.fLo : root(g, p.fLo, p.fBest[k]));
      hi = Math.max(hi, g.applyAsDouble(p.fHi) <= 0 ? p.fHi : root(g, p.fBest[k], p.fHi));
    }
    return new Interval(toMu(p.fBest[p.best]), toMu(lo), toMu(hi), lo == p.fLo, hi == p.fHi);
  }

  /**
   * The interval of z where the profile over mu, NLL_p(z_k) = min over mu in [muLower, muUpper] of
   * NLL(mu, z_k), stays below min_k NLL_p(z_k) + {@code threshold} (thesis, Sec. 3.3.2, with the
   * roles of mu and z swapped). Between grid points NLL_p is interpolated linearly, so each end is
   * the crossing of the threshold between the last point inside and its neighbour outside; an end
   * inside at the first or last grid value is flagged as at the bound. The estimate is the vertex
   * of the parabola through the grid minimum and its two neighbours (the grid minimum itself at an
   * end of the grid). The region is returned as its hull if it is not connected.
   */
  public Interval zInterval(double threshold, double muLower, double muUpper) {
    Checks.finite("threshold", threshold);
    MuProfile p = profileOverMu(muLower, muUpper);
    double[] v = p.value;
    int nz = zGrid.length;
    double level = v[p.best] + threshold;
    int first = 0;
    while (v[first] >= level) {
      first++;
    }
    int last = nz - 1;
    while (v[last] >= level) {
      last--;
    }
    double lo = first == 0 ? zGrid[0] : crossing(first - 1, first, v, level);
    double hi = last == nz - 1 ? zGrid[nz - 1] : crossing(last + 1, last, v, level);
    return new Interval(vertex(p.best, v), lo, hi, first == 0, last == nz - 1);
  }

  /** The z where the line through (z_out, v_out) and (z_in, v_in) reaches the level. */
  private double crossing(int out, int in, double[] v, double level) {
    double t = (level - v[in]) / (v[out] - v[in]);
    return zGrid[in] + t * (zGrid[out] - zGrid[in]);
  }

  /** The vertex of the parabola through grid points k - 1, k, k + 1, clamped to their span. */
  private double vertex(int k, double[] v) {
    if (k == 0 || k == zGrid.length - 1) {
      return zGrid[k];
    }
    double z0 = zGrid[k - 1];
    double z1 = zGrid[k];
    double z2 = zGrid[k + 1];
    double a = (z1 - z0) * (v[k] - v[k + 1]);
    double b = (z1 - z2) * (v[k] - v[k - 1]);
    double den = a - b;
    if (!(Math.abs(den) > 0)) {
      return z1;
    }
    double z = z1 - 0.5 * ((z1 - z0) * a - (z1 - z2) * b) / den;
    return Math.max(z0, Math.min(z2, z));
  }

  /**
   * The minimum over f = mu / (1 + mu) of each NLL(., z_k) on the fraction range of [muLower,
   * muUpper], and the index of the smallest.
   */
  private MuProfile profileOverMu(double muLower, double muUpper) {
    if (!(muLower >= 0 && muUpper > muLower) || !Double.isFinite(muUpper)) {
      throw new IllegalArgumentException(
          "mu range [" + muLower + ", " + muUpper + "] is not within [0, infinity)");
    }
    double fLo = muLower / (1 + muLower);
    double fHi = muUpper / (1 + muUpper);
    int nz = zGrid.length;
    double[] fBest = new double[nz];
    double[] value = new double[nz];
    int best = 0;
    for (int k = 0; k < nz; k++) {
      fBest[k] = minimize(k, fLo, fHi);
      value[k] = nllOfFraction(fBest[k], k);
      best = value[k] < value[best] ? k : best;
    }
    return new MuProfile(fLo, fHi, fBest, value, best);
  }

  /** The per-z minima over the signal fraction. */
  private record MuProfile(double fLo, double fHi, double[] fBest, double[] value, int best) {}

  private double nllOfFraction(double f, int k) {
    double[] qk = q[k];
    boolean[] up = signalHigher[k];
    double s = 0;
    for (int i = 0; i < qk.length; i++) {
      s += Math.log(up[i] ? f + (1 - f) * qk[i] : 1 - f + f * qk[i]);
    }
    return -s - logBackgroundSum[k];
  }

  /**
   * The minimum of the convex NLL(f, z_k) on [a, b]: Newton steps kept inside a bisection bracket.
   */
  private double minimize(int k, double a, double b) {
    double[] qk = q[k];
    boolean[] up = signalHigher[k];
    double lo = a;
    double hi = b;
    double f = 0.5 * (a + b);
    for (int it = 0; it < 100; it++) {
      double g = 0;
      double h = 0;
      for (int i = 0; i < qk.length; i++) {
        double num = up[i] ? 1 - qk[i] : qk[i] - 1;
        double den = up[i] ? f + (1 - f) * qk[i] : 1 - f + f * qk[i];
        double r = num / den;
        g -= r;
        h += r * r;
      }
      if (g > 0) {
        hi = f;
      } else {
        lo = f;
      }
      double next = h > 0 ? f - g / h : Double.NaN;
      if (!(next > lo && next < hi)) {
        next = 0.5 * (lo + hi);
      }
      if (Math.abs(next - f) < 1e-13 || hi - lo < 1e-13) {
        return next;
      }
      f = next;
    }
    return f;
  }

  private static double root(DoubleUnaryOperator g, double a, double b) {
    return new BrentSolver(1e-14, 1e-13).solve(200, g::applyAsDouble, a, b);
  }

  private static double toMu(double f) {
    return f / (1 - f);
  }
}
