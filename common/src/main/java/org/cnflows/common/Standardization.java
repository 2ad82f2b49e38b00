package org.cnflows.common;

import java.util.Arrays;

/**
 * The one standardizer of cnflows: a per-feature affine preprocessing u = (x - mean) / sd applied
 * before a model (flows, CNF sets, classifiers, the HiggsML preprocessor). Its log-Jacobian is the
 * constant -sum_d log sd_d, so a density p_u learned on u gives the density of x as log p_x(x) =
 * log p_u(u) - sum_d log sd_d.
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
   * The mean and (population) standard deviation of each feature over all given row-major sets,
   * unweighted, in two passes (the mean first, then the squared deviations from it), so a feature
   * with a large offset and a small spread keeps its spread.
   *
   * @param dim D
   * @param sets row-major arrays of D features
   * @throws IllegalArgumentException if a set is not rows of D values, or a feature has no spread
   *     or a value that is not finite (naming the feature and, for a value, its set and row)
   */
  public static Standardization fit(int dim, float[]... sets) {
    return fit(dim, Float.NaN, sets);
  }

  /**
   * {@link #fit(int, float[]...)} that leaves out every value equal to {@code missing} (a sentinel
   * such as the HiggsML -25 for an undefined quantity).
   *
   * @throws IllegalArgumentException as {@link #fit(int, float[]...)}, or if a feature has no value
   *     but the sentinel
   */
  public static Standardization fitSkipping(float missing, int dim, float[]... sets) {
    if (!Float.isFinite(missing)) {
      throw new IllegalArgumentException("missing-value sentinel " + missing + " is not finite");
    }
    return fit(dim, missing, sets);
  }

  private static Standardization fit(int dim, float missing, float[]... sets) {
    double[] sum = new double[dim];
    long[] n = new long[dim];
    for (int s = 0; s < sets.length; s++) {
      float[] x = sets[s];
      checkWidth(x, dim);
      for (int i = 0; i < x.length; i++) {
        if (x[i] == missing) {
          continue;
        }
        if (!Float.isFinite(x[i])) {
          throw new IllegalArgumentException(
              "set "
                  + s
                  + ", row "
                  + i / dim
                  + ", feature "
                  + i % dim
                  + ": value "
                  + x[i]
                  + " is not finite");
        }
        sum[i % dim] += x[i];
        n[i % dim]++;
      }
    }
    double[] mean = new double[dim];
    for (int d = 0; d < dim; d++) {
      if (n[d] == 0) {
        throw new IllegalArgumentException("feature " + d + " has no value to fit");
      }
      mean[d] = sum[d] / n[d];
    }
    double[] sq = new double[dim];
    for (float[] x : sets) {
      for (int i = 0; i < x.length; i++) {
        if (x[i] != missing) {
          double dev = x[i] - mean[i % dim];
          sq[i % dim] += dev * dev;
        }
      }
    }
    double[] sd = new double[dim];
    for (int d = 0; d < dim; d++) {
      sd[d] = Math.sqrt(sq[d] / n[d]);
    }
    return new Standardization(mean, sd);
  }

  /** {@link #fit(int, float[]...)} over the features of the given matrices. */
  public static Standardization fit(FeatureMatrix... sets) {
    float[][] arrays = new float[sets.length][];
    for (int s = 0; s < sets.length; s++) {
      if (sets[s].dim() != sets[0].dim()) {
        throw new IllegalArgumentException(
            "set " + s + " has " + sets[s].dim() + " features, set 0 " + sets[0].dim());
      }
      arrays[s] = sets[s].x();
    }
    return fit(sets[0].dim(), arrays);
  }

  /** The matrix with its features standardized (context, weights, labels, categories kept). */
  public FeatureMatrix apply(FeatureMatrix m) {
    if (m.dim() != dim()) {
      throw new IllegalArgumentException(
          "matrix has " + m.dim() + " features, the standardization " + dim());
    }
    return m.withValues(apply(m.x()));
  }

  /** D. */
  public int dim() {
    return mean.length;
  }

  /** (x - mean) / sd for row-major x of D features, as a new array. */
  public float[] apply(float[] x) {
    checkWidth(x, dim());
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

  private static void checkWidth(float[] x, int dim) {
    if (x == null || x.length == 0 || x.length % dim != 0) {
      throw new IllegalArgumentException(
          "events have "
              + (x == null ? "null" : x.length)
              + " values, not a positive multiple of "
              + dim
              + " features");
    }
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
