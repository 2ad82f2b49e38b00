package org.cnflows.higgsml;

import java.util.Arrays;

/**
 * Weighted two-sample Kolmogorov-Smirnov distance of one feature, ignoring -25 sentinels and NaN.
 */
final class WeightedKs {
  /** The asymptotic 95% quantile of the scaled two-sample KS statistic, sqrt(-ln(0.025) / 2). */
  static final double C95 = 1.358;

  private WeightedKs() {}

  /** sup_x |F_a(x) - F_b(x)| of the weighted empirical CDFs of the defined values. */
  static double distance(EventTable a, EventTable b, String feature) {
    double[][] x = defined(a, feature);
    double[][] y = defined(b, feature);
    int nx = x[0].length;
    int ny = y[0].length;
    int i = 0;
    int j = 0;
    double fa = 0;
    double fb = 0;
    double sup = 0;
    while (i < nx || j < ny) {
      double v =
          Math.min(
              i < nx ? x[0][i] : Double.POSITIVE_INFINITY,
              j < ny ? y[0][j] : Double.POSITIVE_INFINITY);
      while (i < nx && x[0][i] == v) {
        fa += x[1][i++];
      }
      while (j < ny && y[0][j] == v) {
        fb += y[1][j++];
      }
      sup = Math.max(sup, Math.abs(fa - fb));
    }
    return sup;
  }

  /**
   * The distance two samples of the same distribution exceed with probability 5%: {@link #C95}
   * sqrt(1/n_a + 1/n_b) with Kish's effective sizes n = (sum w)^2 / sum w^2 of the defined values.
   */
  static double resolution(EventTable a, EventTable b, String feature) {
    return C95 * Math.sqrt(1 / effectiveSize(a, feature) + 1 / effectiveSize(b, feature));
  }

  /** Kish's effective number of events with a defined value: (sum w)^2 / sum w^2. */
  static double effectiveSize(EventTable t, String feature) {
    float[] v = t.column(feature);
    double sum = 0;
    double sumSq = 0;
    for (int i = 0; i < t.size(); i++) {
      if (v[i] != Columns.MISSING && !Float.isNaN(v[i])) {
        double w = t.weights()[i];
        sum += w;
        sumSq += w * w;
      }
    }
    return sum * sum / sumSq;
  }

  /**
   * (value, normalized weight) pairs of the defined values, sorted by value: {@code [0]} the
   * values, {@code [1]} the weights. Sorts primitive keys (the value's bits, made to order as
   * signed integers, above the row) so that millions of events sort in a fraction of a second.
   */
  private static double[][] defined(EventTable t, String feature) {
    float[] v = t.column(feature);
    long[] keys = new long[t.size()];
    int n = 0;
    for (int i = 0; i < t.size(); i++) {
      if (v[i] != Columns.MISSING && !Float.isNaN(v[i])) {
        int bits = Float.floatToIntBits(v[i] == 0f ? 0f : v[i]);
        int ordered = bits ^ ((bits >> 31) & Integer.MAX_VALUE);
        keys[n++] = ((long) ordered << 32) | i;
      }
    }
    keys = Arrays.copyOf(keys, n);
    Arrays.sort(keys);
    double[][] pairs = new double[2][n];
    double total = 0;
    for (int k = 0; k < n; k++) {
      int row = (int) keys[k];
      pairs[0][k] = v[row];
      pairs[1][k] = t.weights()[row];
      total += pairs[1][k];
    }
    for (int k = 0; k < n; k++) {
      pairs[1][k] /= total;
    }
    return pairs;
  }
}
