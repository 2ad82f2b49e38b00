package org.cnflows.contrastive;

/** Checks of row-major host event arrays shared by the public types of this package. */
final class Events {

  private Events() {}

  /** Throws unless x is a non-empty row-major array of rows of {@code dim} values. */
  static int checkWidth(float[] x, int dim) {
    if (x == null) {
      throw new IllegalArgumentException("events are null");
    }
    if (dim < 1 || x.length == 0 || x.length % dim != 0) {
      throw new IllegalArgumentException(
          "events have " + x.length + " values, not a positive multiple of " + dim + " features");
    }
    return x.length / dim;
  }

  /** Throws unless x and z are row-major arrays of the same number of rows; returns it. */
  static int checkSameRows(float[] x, int dimX, float[] z, int dimZ) {
    int n = checkWidth(x, dimX);
    int nz = checkWidth(z, dimZ);
    if (n != nz) {
      throw new IllegalArgumentException(
          "x has " + n + " rows but z has " + nz + "; each event needs its nuisance values");
    }
    return n;
  }
}
