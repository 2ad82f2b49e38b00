package org.cnflows.examples;

import org.cnflows.common.FeatureMatrix;
import org.cnflows.stats.toys.ToyT4;

/**
 * T4 events as the rows the flows read: x or y with their context (the class one-hot, x for y, nu
 * for the templates), and the data's (x, y) without a class.
 */
final class T4Rows {

  private T4Rows() {}

  /** x with context (one-hot c[, nu]). */
  static FeatureMatrix kinematics(ToyT4.Events e, double[] nu) {
    return tagged(e.x(), null, e.classes(), nu);
  }

  /** y with context (x, one-hot c[, nu]). */
  static FeatureMatrix features(ToyT4.Events e, double[] nu) {
    return tagged(e.y(), e.x(), e.classes(), nu);
  }

  /** Rows with context (prefix columns if any, one-hot class, nu if any). */
  static FeatureMatrix tagged(double[][] values, double[][] prefix, int[] classes, double[] nu) {
    int p = prefix == null ? 0 : prefix[0].length;
    int extra = nu == null ? 0 : nu.length;
    float[][] rows = new float[values.length][];
    float[][] context = new float[values.length][];
    for (int i = 0; i < values.length; i++) {
      rows[i] = toFloat(values[i]);
      context[i] = new float[p + 2 + extra];
      for (int j = 0; j < p; j++) {
        context[i][j] = (float) prefix[i][j];
      }
      context[i][p + classes[i]] = 1;
      for (int k = 0; k < extra; k++) {
        context[i][p + 2 + k] = (float) nu[k];
      }
    }
    return FeatureMatrix.of(rows, context);
  }

  /** Rows (x, y) of the data, without the class (unknown in data). */
  static FeatureMatrix events(ToyT4.Events e) {
    double[][] rows = new double[e.size()][];
    for (int i = 0; i < e.size(); i++) {
      rows[i] = new double[] {e.x()[i][0], e.x()[i][1], e.y()[i][0], e.y()[i][1]};
    }
    return FeatureMatrix.of(rows);
  }

  private static float[] toFloat(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }
}
