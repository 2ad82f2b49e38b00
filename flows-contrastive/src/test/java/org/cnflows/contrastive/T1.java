package org.cnflows.contrastive;

import java.util.SplittableRandom;

/**
 * Toy T1 of the CNF paper (Elsharkawy and Kahn 2025, Sec. 5, Eq. 11): two 2-D Gaussians with the
 * published means and covariances, sampled through their Cholesky factors.
 */
final class T1 {

  static final double[] MU_S = {-3.25, 2.50};
  static final double[][] COV_S = {{2.58, 2.19}, {2.19, 13.06}};
  static final double[] MU_B = {-0.09, 5.00};
  static final double[][] COV_B = {{3.30, 2.63}, {2.63, 14.23}};

  private T1() {}

  /** n rows of the signal (or background) Gaussian. */
  static float[][] sample(boolean signal, int n, long seed) {
    double[] mu = signal ? MU_S : MU_B;
    double[][] s = signal ? COV_S : COV_B;
    double l00 = Math.sqrt(s[0][0]);
    double l10 = s[1][0] / l00;
    double l11 = Math.sqrt(s[1][1] - l10 * l10);
    SplittableRandom r = new SplittableRandom(seed);
    float[][] rows = new float[n][2];
    for (float[] row : rows) {
      double a = gauss(r);
      double b = gauss(r);
      row[0] = (float) (mu[0] + l00 * a);
      row[1] = (float) (mu[1] + l10 * a + l11 * b);
    }
    return rows;
  }

  /** The signal (or background) density at (x0, x1). */
  static double density(boolean signal, double x0, double x1) {
    double[] mu = signal ? MU_S : MU_B;
    double[][] s = signal ? COV_S : COV_B;
    double det = s[0][0] * s[1][1] - s[0][1] * s[1][0];
    double d0 = x0 - mu[0];
    double d1 = x1 - mu[1];
    double q = (s[1][1] * d0 * d0 - 2 * s[0][1] * d0 * d1 + s[0][0] * d1 * d1) / det;
    return Math.exp(-0.5 * q) / (2 * Math.PI * Math.sqrt(det));
  }

  static double gauss(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }
}
