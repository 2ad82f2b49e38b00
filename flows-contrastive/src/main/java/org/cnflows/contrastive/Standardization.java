package org.cnflows.contrastive;

import java.util.Arrays;

/**
 * A per-feature affine preprocessing u = (x - mean) / sd applied before a model. Its log-Jacobian
 * is the constant -sum_d log sd_d, so a density p_u learned on u gives the density of x as log
 * p_x(x) = log p_u(u) - sum_d log sd_d.
 *
 * @param mean per-feature means
 * @param sd per-feature standard deviations, all finite and > 0
 */
public record Standardization(double[] mean, double[] sd) {

  /** Validates the arrays and copies them. */
  public Standardization {
    if (mean == null || sd == null || mean.length != sd.length || mean.length == 0) {
      throw new IllegalArgumentException(
          "mean and sd must be non-empty arrays of the same length, got "
              + (mean == null ? "null" : mean.length)
              + " and "
              + (sd == null ? "null" : sd.length));
    }
    for (int d = 0; d < sd.length; d++) {
      if (!Double.isFinite(mean[d]) || !(sd[d] > 0) || Double.isInfinite(sd[d])) {
        throw new IllegalArgumentException(
            "feature "
                + d
                + ": mean = "
                + mean[d]
                + ", sd = "
                + sd[d]
                + " (sd must be finite > 0)");
      }
    }
    mean = mean.clone();
    sd = sd.clone();
  }

  /** The identity map for D features. */
  public static Standardization identity(int dim) {
    double[] ones = new double[dim];
    Arrays.fill(ones, 1);
    return new Standardization(new double[dim], ones);
  }

  /**
   * The mean and (population) standard deviation of each feature over all given row-major sets.
   *
   * @param dim D
   * @param sets row-major arrays of D features
   */
  public static Standardization fit(int dim, float[]... sets) {
    double[] sum = new double[dim];
    double[] sq = new double[dim];
    long n = 0;
    for (float[] x : sets) {
      Events.checkWidth(x, dim);
      for (int i = 0; i < x.length; i++) {
        sum[i % dim] += x[i];
        sq[i % dim] += (double) x[i] * x[i];
      }
      n += x.length / dim;
    }
    double[] mean = new double[dim];
    double[] sd = new double[dim];
    for (int d = 0; d < dim; d++) {
      mean[d] = sum[d] / n;
      sd[d] = Math.sqrt(Math.max(sq[d] / n - mean[d] * mean[d], 0));
    }
    return new Standardization(mean, sd);
  }

  /** D. */
  public int dim() {
    return mean.length;
  }

  /** (x - mean) / sd for row-major x of D features, as a new array. */
  public float[] apply(float[] x) {
    Events.checkWidth(x, dim());
    float[] u = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      int d = i % mean.length;
      u[i] = (float) ((x[i] - mean[d]) / sd[d]);
    }
    return u;
  }

  /** The log-Jacobian -sum_d log sd_d of the map. */
  public double logJacobian() {
    double s = 0;
    for (double v : sd) {
      s -= Math.log(v);
    }
    return s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Standardization other
        && Arrays.equals(mean, other.mean)
        && Arrays.equals(sd, other.sd);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(sd);
  }

  @Override
  public String toString() {
    return "Standardization[mean=" + Arrays.toString(mean) + ", sd=" + Arrays.toString(sd) + "]";
  }
}
