package org.cnflows.examples;

/** Conversions between the toys' row arrays and the row-major arrays flows take. */
final class Rows {

  private Rows() {}

  /** Rows of equal width as one row-major float array. */
  static float[] rowMajor(double[][] rows) {
    int width = rows.length == 0 ? 0 : rows[0].length;
    float[] flat = new float[rows.length * width];
    for (int i = 0; i < rows.length; i++) {
      for (int k = 0; k < width; k++) {
        flat[i * width + k] = (float) rows[i][k];
      }
    }
    return flat;
  }
}
