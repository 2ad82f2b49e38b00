package org.cnflows.stats.internal;

import java.util.function.ToDoubleFunction;
import org.cnflows.stats.Parameter;
import org.cnflows.stats.Parameters;

/**
 * Central finite differences of a scalar function, with stencils moved inward where they would
 * leave a parameter's bounds (Nocedal and Wright, Numerical Optimization, 2nd ed., Eqs. 8.7 and
 * 8.10).
 */
public final class FiniteDifferences {

  private FiniteDifferences() {}

  /**
   * The natural scale of a parameter: its constraint's half-width, else a tenth of a finite range,
   * else max(|initial|, 1).
   */
  public static double scale(Parameter p) {
    if (p.constraint().isPresent()) {
      return 0.5 * (p.constraint().get().plusOneSigma() - p.constraint().get().minusOneSigma());
    }
    if (Double.isFinite(p.upper() - p.lower())) {
      return (p.upper() - p.lower()) / 10;
    }
    return Math.max(Math.abs(p.initial()), 1.0);
  }

  /** The gradient of f at x over all parameters, step 1e-6 x scale. */
  public static double[] gradient(ToDoubleFunction<double[]> f, double[] x, Parameters params) {
    double[] g = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      Parameter p = params.get(i);
      double h = 1e-6 * scale(p);
      double c = centre(x[i], h, 1, p);
      double[] y = x.clone();
      y[i] = c + h;
      double fp = f.applyAsDouble(y);
      y[i] = c - h;
      double fm = f.applyAsDouble(y);
      g[i] = (fp - fm) / (2 * h);
    }
    return g;
  }

  /**
   * The Hessian of f at x restricted to the parameters {@code idx}, with steps {@code h}; entry
   * [a][b] is d^2 f / dx_idx[a] dx_idx[b].
   */
  public static double[][] hessian(
      ToDoubleFunction<double[]> f, double[] x, int[] idx, double[] h, Parameters params) {
    int n = idx.length;
    double[] c = x.clone();
    for (int a = 0; a < n; a++) {
      c[idx[a]] = centre(x[idx[a]], h[a], 1, params.get(idx[a]));
    }
    double f0 = f.applyAsDouble(c);
    double[][] hess = new double[n][n];
    for (int a = 0; a < n; a++) {
      double fp = f.applyAsDouble(shift(c, idx[a], h[a], -1, 0));
      double fm = f.applyAsDouble(shift(c, idx[a], -h[a], -1, 0));
      hess[a][a] = (fp - 2 * f0 + fm) / (h[a] * h[a]);
      for (int b = 0; b < a; b++) {
        double pp = f.applyAsDouble(shift(c, idx[a], h[a], idx[b], h[b]));
        double pm = f.applyAsDouble(shift(c, idx[a], h[a], idx[b], -h[b]));
        double mp = f.applyAsDouble(shift(c, idx[a], -h[a], idx[b], h[b]));
        double mm = f.applyAsDouble(shift(c, idx[a], -h[a], idx[b], -h[b]));
        hess[a][b] = (pp - pm - mp + mm) / (4 * h[a] * h[b]);
        hess[b][a] = hess[a][b];
      }
    }
    return hess;
  }

  /** c with hi added at i and, if j >= 0, hj added at j. */
  private static double[] shift(double[] c, int i, double hi, int j, double hj) {
    double[] y = c.clone();
    y[i] += hi;
    if (j >= 0) {
      y[j] += hj;
    }
    return y;
  }

  /** x moved inward so that x +- k h stays within the bounds (when the range allows). */
  private static double centre(double x, double h, int k, Parameter p) {
    return Math.min(Math.max(x, p.lower() + k * h), p.upper() - k * h);
  }
}
