package org.cnflows.higgsml;

import java.util.Arrays;
import java.util.Comparator;

/** Weighted two-sample Kolmogorov-Smirnov distance of one feature, ignoring -25 sentinels. */
final class WeightedKs {
  private WeightedKs() {}

  /** sup_x |F_a(x) - F_b(x)| of the weighted empirical CDFs of the defined values. */
  static double distance(EventTable a, EventTable b, String feature) {
    double[][] x = defined(a, feature);
    double[][] y = defined(b, feature);
    int i = 0;
    int j = 0;
    double fa = 0;
    double fb = 0;
    double sup = 0;
    while (i < x.length || j < y.length) {
      double v =
          Math.min(
              i < x.length ? x[i][0] : Double.POSITIVE_INFINITY,
              j < y.length ? y[j][0] : Double.POSITIVE_INFINITY);
      while (i < x.length && x[i][0] == v) {
        fa += x[i++][1];
      }
      while (j < y.length && y[j][0] == v) {
        fb += y[j++][1];
      }
      sup = Math.max(sup, Math.abs(fa - fb));
    }
    return sup;
  }

  /** (value, normalized weight) pairs of the defined values, sorted by value. */
  private static double[][] defined(EventTable t, String feature) {
    float[] v = t.column(feature);
    double[][] pairs =
        java.util.stream.IntStream.range(0, t.size())
            .filter(i -> v[i] != Columns.MISSING)
            .mapToObj(i -> new double[] {v[i], t.weights()[i]})
            .sorted(Comparator.comparingDouble(p -> p[0]))
            .toArray(double[][]::new);
    double total = Arrays.stream(pairs).mapToDouble(p -> p[1]).sum();
    for (double[] p : pairs) {
      p[1] /= total;
    }
    return pairs;
  }
}
