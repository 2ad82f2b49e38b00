package org.cnflows.stats;

/**
 * Gauss-Legendre quadrature on [a, b]: n nodes x_i and weights w_i with sum_i w_i f(x_i) exact for
 * polynomials f of degree up to 2n - 1. Used to spread the nuisance values of an amortized
 * profiling fit over a region around the best fit (flows-profiling), where a deformation linear and
 * quadratic in nu is learned exactly from a handful of nodes.
 *
 * @param nodes x_i, ascending
 * @param weights w_i, positive, summing to b - a
 */
public record GaussLegendre(double[] nodes, double[] weights) {

  /** The largest number of nodes {@link #of} computes (Newton on P_n stays accurate far beyond). */
  public static final int MAXIMUM_NODES = 64;

  /** Defensive copies. */
  public GaussLegendre {
    nodes = nodes.clone();
    weights = weights.clone();
  }

  @Override
  public double[] nodes() {
    return nodes.clone();
  }

  @Override
  public double[] weights() {
    return weights.clone();
  }

  /**
   * The n-node rule on [a, b]: the roots of the Legendre polynomial P_n by Newton's method from
   * Tricomi's approximation, weights 2 / ((1 - x^2) P_n'(x)^2), mapped linearly.
   *
   * @throws IllegalArgumentException if n is outside [1, {@value #MAXIMUM_NODES}] or the interval
   *     is empty or not finite
   */
  public static GaussLegendre of(int n, double a, double b) {
    if (n < 1 || n > MAXIMUM_NODES) {
      throw new IllegalArgumentException(
          "n = " + n + " nodes: must be in [1, " + MAXIMUM_NODES + "]");
    }
    if (!(b > a) || Double.isInfinite(a) || Double.isInfinite(b)) {
      throw new IllegalArgumentException(
          "interval [" + a + ", " + b + "] must be finite with b > a");
    }
    double[] x = new double[n];
    double[] w = new double[n];
    double half = (b - a) / 2;
    double mid = (a + b) / 2;
    for (int i = 0; i < n; i++) {
      // the i-th root from the top, then Newton on P_n
      double t = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
      double derivative = 0;
      for (int iteration = 0; iteration < 100; iteration++) {
        double[] p = legendre(n, t);
        derivative = p[1];
        double dt = p[0] / derivative;
        t -= dt;
        if (Math.abs(dt) < 1e-15) {
          break;
        }
      }
      derivative = legendre(n, t)[1];
      x[n - 1 - i] = mid + half * t;
      w[n - 1 - i] = half * 2 / ((1 - t * t) * derivative * derivative);
    }
    return new GaussLegendre(x, w);
  }

  /** {P_n(t), P_n'(t)} by the three-term recurrence. */
  private static double[] legendre(int n, double t) {
    double p0 = 1;
    double p1 = t;
    for (int k = 2; k <= n; k++) {
      double p2 = ((2 * k - 1) * t * p1 - (k - 1) * p0) / k;
      p0 = p1;
      p1 = p2;
    }
    double pn = n == 0 ? p0 : p1;
    double previous = n == 0 ? 0 : p0;
    return new double[] {pn, n * (t * pn - previous) / (t * t - 1)};
  }

  /** sum_i w_i f(x_i). */
  public double integrate(java.util.function.DoubleUnaryOperator f) {
    double sum = 0;
    for (int i = 0; i < nodes.length; i++) {
      sum += weights[i] * f.applyAsDouble(nodes[i]);
    }
    return sum;
  }
}
