package org.cnflows.stats.internal;

/**
 * The natural cubic spline through (x_j, y_j) written as a linear map of the y_j: s(t) = sum_j
 * w_j(t) y_j. With A = (x_{j+1} - t)/h, B = 1 - A on [x_j, x_{j+1}] and second derivatives M = S y
 * (the tridiagonal system of Press et al., Numerical Recipes, 3rd ed., Eqs. 3.3.3 and 3.3.7, with
 * M_0 = M_{m-1} = 0): s = A y_j + B y_{j+1} + h^2/6 ((A^3 - A) M_j + (B^3 - B) M_{j+1}). Because
 * the weights do not depend on y, a tensor-product spline over a grid is the contraction of the
 * values with one weight vector per axis. Immutable and thread-safe.
 */
public final class SplineWeights {

  private final double[] x;
  private final double[][] s;

  /** Precomputes S for the knots {@code x} (strictly increasing, at least 2). */
  public SplineWeights(double[] knots) {
    this.x = Checks.increasing("knots", knots, 2).clone();
    int m = x.length;
    s = new double[m][m];
    if (m < 3) {
      return;
    }
    int k = m - 2;
    for (int col = 0; col < m; col++) {
      double[] rhs = new double[k];
      for (int i = 1; i <= k; i++) {
        double hl = x[i] - x[i - 1];
        double hr = x[i + 1] - x[i];
        double yl = col == i - 1 ? 1 : 0;
        double yc = col == i ? 1 : 0;
        double yr = col == i + 1 ? 1 : 0;
        rhs[i - 1] = (yr - yc) / hr - (yc - yl) / hl;
      }
      double[] sol = solveTridiagonal(rhs);
      for (int i = 1; i <= k; i++) {
        s[i][col] = sol[i - 1];
      }
    }
  }

  /** The number of knots. */
  public int size() {
    return x.length;
  }

  /** The weights w_j(t) for t within [x_0, x_{m-1}]. */
  public double[] weights(double t) {
    int m = x.length;
    if (!(t >= x[0] && t <= x[m - 1])) {
      throw new IllegalArgumentException(
          "t = " + t + " outside the knot range [" + x[0] + ", " + x[m - 1] + "]");
    }
    int j = 0;
    while (j < m - 2 && t > x[j + 1]) {
      j++;
    }
    double h = x[j + 1] - x[j];
    double a = (x[j + 1] - t) / h;
    double b = 1 - a;
    double ca = (a * a * a - a) * h * h / 6;
    double cb = (b * b * b - b) * h * h / 6;
    double[] w = new double[m];
    for (int col = 0; col < m; col++) {
      w[col] = ca * s[j][col] + cb * s[j + 1][col];
    }
    w[j] += a;
    w[j + 1] += b;
    return w;
  }

  /** Solves the natural-spline system for the interior second derivatives (Thomas algorithm). */
  private double[] solveTridiagonal(double[] rhs) {
    int k = rhs.length;
    double[] diag = new double[k];
    double[] r = rhs.clone();
    double[] sol = new double[k];
    for (int i = 0; i < k; i++) {
      diag[i] = (x[i + 2] - x[i]) / 3;
      if (i > 0) {
        double lower = (x[i + 1] - x[i]) / 6;
        double f = lower / diag[i - 1];
        diag[i] -= f * lower;
        r[i] -= f * r[i - 1];
      }
    }
    for (int i = k - 1; i >= 0; i--) {
      double upper = i < k - 1 ? (x[i + 2] - x[i + 1]) / 6 : 0;
      sol[i] = (r[i] - (i < k - 1 ? upper * sol[i + 1] : 0)) / diag[i];
    }
    return sol;
  }
}
