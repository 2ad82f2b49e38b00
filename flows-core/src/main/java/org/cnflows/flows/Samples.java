package org.cnflows.flows;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A training set in host memory, row-major: N rows of D features, an optional context of width C
 * per row, and optional per-row weights. Validated once at construction (finite values, consistent
 * lengths), so training batches need no further checks.
 *
 * @param x N * D features, row-major
 * @param dim D
 * @param context N * C context values, row-major, or null
 * @param contextDim C (0 when context is null)
 * @param weights N weights, or null for unit weights
 */
public record Samples(float[] x, int dim, float[] context, int contextDim, float[] weights) {

  /** Validates the arrays; messages name the first bad row and column. */
  public Samples {
    if (x == null) {
      throw new IllegalArgumentException("x is null");
    }
    if (dim < 1 || x.length % dim != 0 || x.length == 0) {
      throw new IllegalArgumentException(
          "x has " + x.length + " values, not a positive multiple of dim = " + dim);
    }
    int n = x.length / dim;
    checkFinite("x", x, dim);
    if (context == null) {
      if (contextDim != 0) {
        throw new IllegalArgumentException("contextDim = " + contextDim + " but context is null");
      }
    } else {
      if (contextDim < 1 || context.length != (long) n * contextDim) {
        throw new IllegalArgumentException(
            "context has "
                + context.length
                + " values, expected "
                + n
                + " rows x contextDim = "
                + contextDim);
      }
      checkFinite("context", context, contextDim);
    }
    if (weights != null) {
      if (weights.length != n) {
        throw new IllegalArgumentException(
            "weights has " + weights.length + " values for " + n + " rows");
      }
      checkFinite("weights", weights, 1);
      double sum = 0;
      for (float w : weights) {
        sum += w;
      }
      if (!(sum > 0)) {
        throw new IllegalArgumentException("weights sum to " + sum + ", must be > 0");
      }
    }
  }

  /** Rows of D features, no context, unit weights. */
  public static Samples of(float[][] rows) {
    return new Samples(flatten("x", rows), width("x", rows), null, 0, null);
  }

  /** Rows of features with a context row for each. */
  public static Samples of(float[][] rows, float[][] context) {
    if (context.length != rows.length) {
      throw new IllegalArgumentException(
          "context has " + context.length + " rows for " + rows.length + " rows of x");
    }
    return new Samples(
        flatten("x", rows),
        width("x", rows),
        flatten("context", context),
        width("context", context),
        null);
  }

  /** The same rows with per-row weights. */
  public Samples withWeights(float[] w) {
    return new Samples(x, dim, context, contextDim, w == null ? null : w.clone());
  }

  /** N, the number of rows. */
  public int size() {
    return x.length / dim;
  }

  /** The sum of the weights (N for unit weights). */
  public double weightSum() {
    if (weights == null) {
      return size();
    }
    double sum = 0;
    for (float w : weights) {
      sum += w;
    }
    return sum;
  }

  /** The rows at the given indices, in that order. */
  public Samples select(int[] rows) {
    float[] nx = new float[rows.length * dim];
    float[] nc = context == null ? null : new float[rows.length * contextDim];
    float[] nw = weights == null ? null : new float[rows.length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(x, rows[i] * dim, nx, i * dim, dim);
      if (nc != null) {
        System.arraycopy(context, rows[i] * contextDim, nc, i * contextDim, contextDim);
      }
      if (nw != null) {
        nw[i] = weights[rows[i]];
      }
    }
    return new Samples(nx, dim, nc, contextDim, nw);
  }

  /**
   * Shuffles the rows with a seeded generator and splits off the last {@code fraction} of them.
   *
   * @return {training, validation}; validation is null when fraction is 0
   */
  public Samples[] split(double fraction, long seed) {
    if (!(fraction >= 0) || !(fraction < 1)) {
      throw new IllegalArgumentException(
          "validation fraction = " + fraction + " must be in [0, 1)");
    }
    int n = size();
    int[] order = shuffled(n, new SplittableRandom(seed));
    int nValidation = (int) Math.round(n * fraction);
    if (nValidation == 0) {
      return new Samples[] {select(order), null};
    }
    if (nValidation == n) {
      throw new IllegalArgumentException(
          "validation fraction = " + fraction + " leaves no training rows of " + n);
    }
    return new Samples[] {
      select(Arrays.copyOfRange(order, 0, n - nValidation)),
      select(Arrays.copyOfRange(order, n - nValidation, n))
    };
  }

  /** 0..n-1 in a uniformly random order (Fisher-Yates). */
  static int[] shuffled(int n, SplittableRandom random) {
    int[] order = Permutation.identity(n);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  private static void checkFinite(String name, float[] values, int width) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new IllegalArgumentException(
            name + "[" + i / width + ", " + i % width + "] = " + values[i] + " is not finite");
      }
    }
  }

  private static int width(String name, float[][] rows) {
    if (rows.length == 0) {
      throw new IllegalArgumentException(name + " has no rows");
    }
    return rows[0].length;
  }

  private static float[] flatten(String name, float[][] rows) {
    int width = width(name, rows);
    float[] flat = new float[rows.length * width];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != width) {
        throw new IllegalArgumentException(
            name + " row " + i + " has " + rows[i].length + " values, row 0 has " + width);
      }
      System.arraycopy(rows[i], 0, flat, i * width, width);
    }
    return flat;
  }
}
