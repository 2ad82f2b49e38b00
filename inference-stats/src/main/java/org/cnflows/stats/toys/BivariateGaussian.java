package org.cnflows.stats.toys;

/**
 * A bivariate normal density N(m, S) evaluated in double precision.
 *
 * <p>log p(x) = -1/2 (x - m)^T S^-1 (x - m) - log(2 pi) - 1/2 log det S.
 *
 * @param mean0 first component of the mean
 * @param mean1 second component of the mean
 * @param var0 S[0][0]
 * @param cov01 S[0][1] = S[1][0]
 * @param var1 S[1][1]
 */
public record BivariateGaussian(
    double mean0, double mean1, double var0, double cov01, double var1) {

  /** Validates that S is symmetric positive definite. */
  public BivariateGaussian {
    double det = var0 * var1 - cov01 * cov01;
    if (!(var0 > 0) || !(var1 > 0) || !(det > 0) || !Double.isFinite(det)) {
      throw new IllegalArgumentException(
          "covariance [["
              + var0
              + ", "
              + cov01
              + "], ["
              + cov01
              + ", "
              + var1
              + "]] is not positive definite (det = "
              + det
              + ")");
    }
    if (!Double.isFinite(mean0) || !Double.isFinite(mean1)) {
      throw new IllegalArgumentException("mean (" + mean0 + ", " + mean1 + ") is not finite");
    }
  }

  /** det S. */
  public double determinant() {
    return var0 * var1 - cov01 * cov01;
  }

  /** The inverse covariance S^-1 as {p00, p01, p11}. */
  public double[] precision() {
    double det = determinant();
    return new double[] {var1 / det, -cov01 / det, var0 / det};
  }

  /**
   * n draws x = m + L e, e ~ N(0, I), with L the Cholesky factor of S.
   *
   * @param n the number of draws
   * @param random the source of randomness
   * @return n rows {x0, x1}
   */
  public double[][] sample(int n, java.util.random.RandomGenerator random) {
    if (n < 0) {
      throw new IllegalArgumentException("n = " + n + " must be >= 0");
    }
    double l00 = Math.sqrt(var0);
    double l10 = cov01 / l00;
    double l11 = Math.sqrt(var1 - l10 * l10);
    double[][] rows = new double[n][];
    for (int i = 0; i < n; i++) {
      double e0 = random.nextGaussian();
      double e1 = random.nextGaussian();
      rows[i] = new double[] {mean0 + l00 * e0, mean1 + l10 * e0 + l11 * e1};
    }
    return rows;
  }

  /** log p(x0, x1). */
  public double logDensity(double x0, double x1) {
    double[] p = precision();
    double d0 = x0 - mean0;
    double d1 = x1 - mean1;
    double q = p[0] * d0 * d0 + 2 * p[1] * d0 * d1 + p[2] * d1 * d1;
    return -0.5 * q - Math.log(2 * Math.PI) - 0.5 * Math.log(determinant());
  }
}
