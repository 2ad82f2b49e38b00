package org.cnflows.common;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The one hand-off type of cnflows between event tables, flows and classifiers: N rows of D named
 * float32 features in one row-major array, with optional per-row context (C named values, e.g.
 * nuisances for a conditional flow or a parameterized classifier), weights, integer labels (1 =
 * signal, 0 = background) and categories (e.g. the jet category that selects a classifier head).
 *
 * <p>Validated once at construction, so models need no further checks: every value and context
 * value finite, weights finite and non-negative with a positive sum, labels and categories
 * non-negative, every array of the right length; messages name the first bad row and column.
 * Immutable by contract: the accessors return the internal arrays without copying (events are
 * large), so callers must not modify them; every {@code with...} method returns a new matrix that
 * shares the unchanged arrays.
 */
public final class FeatureMatrix {

  private final float[] x;
  private final List<String> names;
  private final float[] context;
  private final List<String> contextNames;
  private final float[] weights;
  private final int[] labels;
  private final int[] categories;

  private FeatureMatrix(
      float[] x,
      List<String> names,
      float[] context,
      List<String> contextNames,
      float[] weights,
      int[] labels,
      int[] categories) {
    this.names = checkNames("feature", names);
    if (x == null) {
      throw new IllegalArgumentException("features are null");
    }
    int dim = names.size();
    if (x.length == 0 || x.length % dim != 0) {
      throw new IllegalArgumentException(
          "features have " + x.length + " values, not a positive multiple of " + dim + " columns");
    }
    int n = x.length / dim;
    checkFinite("x", x, names);
    this.x = x;
    if (context == null) {
      if (contextNames != null && !contextNames.isEmpty()) {
        throw new IllegalArgumentException("context names " + contextNames + " but no context");
      }
      this.context = null;
      this.contextNames = List.of();
    } else {
      this.contextNames = checkNames("context", contextNames);
      if (context.length != (long) n * this.contextNames.size()) {
        throw new IllegalArgumentException(
            "context has "
                + context.length
                + " values, expected "
                + n
                + " rows x "
                + this.contextNames.size()
                + " columns");
      }
      checkFinite("context", context, this.contextNames);
      this.context = context;
    }
    if (weights != null) {
      checkLength("weights", weights.length, n);
      double sum = 0;
      for (int i = 0; i < n; i++) {
        if (!(weights[i] >= 0) || Float.isInfinite(weights[i])) {
          throw new IllegalArgumentException(
              "weights[" + i + "] = " + weights[i] + " must be finite and >= 0");
        }
        sum += weights[i];
      }
      if (!(sum > 0)) {
        throw new IllegalArgumentException("weights sum to " + sum + ", must be > 0");
      }
    }
    this.weights = weights;
    this.labels = checkNonNegative("labels", labels, n);
    this.categories = checkNonNegative("categories", categories, n);
  }

  /** Row-major features with generated column names {@code x0 .. x(D-1)}. */
  public static FeatureMatrix of(float[] x, int dim) {
    return new FeatureMatrix(x, generatedNames("x", dim), null, null, null, null, null);
  }

  /** Row-major features with the given column names (D = names.size()). */
  public static FeatureMatrix of(float[] x, List<String> names) {
    return new FeatureMatrix(x, names, null, null, null, null, null);
  }

  /** Rows of D features (copied into one row-major array), names {@code x0 .. x(D-1)}. */
  public static FeatureMatrix of(float[][] rows) {
    int width = width("x", rows);
    return of(flatten("x", rows, width), width);
  }

  /**
   * Rows of D double features (e.g. a toy's draws), narrowed to float32 once, names {@code x0 ..
   * x(D-1)}: the one conversion from double rows to the event path.
   */
  public static FeatureMatrix of(double[][] rows) {
    if (rows == null || rows.length == 0) {
      throw new IllegalArgumentException("x has no rows");
    }
    int width = rows[0].length;
    float[] flat = new float[rows.length * width];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != width) {
        throw new IllegalArgumentException(
            "x row " + i + " has " + rows[i].length + " values, row 0 has " + width);
      }
      for (int k = 0; k < width; k++) {
        flat[i * width + k] = (float) rows[i][k];
      }
    }
    return of(flat, width);
  }

  /** Rows of features with a context row for each. */
  public static FeatureMatrix of(float[][] rows, float[][] context) {
    if (context.length != rows.length) {
      throw new IllegalArgumentException(
          "context has " + context.length + " rows for " + rows.length + " rows of x");
    }
    int width = width("context", context);
    return of(rows).withContext(flatten("context", context, width), width);
  }

  /**
   * Signal rows labelled 1 followed by background rows labelled 0, with the weights, context and
   * categories of both (each must have them or neither).
   *
   * @throws IllegalArgumentException if the columns differ or one side lacks what the other has
   */
  public static FeatureMatrix labelled(FeatureMatrix signal, FeatureMatrix background) {
    FeatureMatrix both = concat(List.of(signal, background));
    int[] y = new int[both.size()];
    Arrays.fill(y, 0, signal.size(), 1);
    return both.withLabels(y);
  }

  /**
   * The rows of all parts in order; they must have the same columns and the same optional parts
   * (context, weights, labels, categories).
   */
  public static FeatureMatrix concat(List<FeatureMatrix> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("nothing to concatenate");
    }
    FeatureMatrix first = parts.get(0);
    for (FeatureMatrix p : parts) {
      if (!p.names.equals(first.names) || !p.contextNames.equals(first.contextNames)) {
        throw new IllegalArgumentException(
            "columns "
                + p.names
                + " / "
                + p.contextNames
                + " differ from "
                + first.names
                + " / "
                + first.contextNames);
      }
      if ((p.weights == null) != (first.weights == null)
          || (p.labels == null) != (first.labels == null)
          || (p.categories == null) != (first.categories == null)) {
        throw new IllegalArgumentException(
            "parts differ in which of weights, labels and categories they have");
      }
    }
    int n = parts.stream().mapToInt(FeatureMatrix::size).sum();
    float[] x = new float[n * first.dim()];
    float[] c = first.context == null ? null : new float[n * first.contextDim()];
    float[] w = first.weights == null ? null : new float[n];
    int[] y = first.labels == null ? null : new int[n];
    int[] k = first.categories == null ? null : new int[n];
    int row = 0;
    for (FeatureMatrix p : parts) {
      int m = p.size();
      System.arraycopy(p.x, 0, x, row * first.dim(), p.x.length);
      if (c != null) {
        System.arraycopy(p.context, 0, c, row * first.contextDim(), p.context.length);
      }
      if (w != null) {
        System.arraycopy(p.weights, 0, w, row, m);
      }
      if (y != null) {
        System.arraycopy(p.labels, 0, y, row, m);
      }
      if (k != null) {
        System.arraycopy(p.categories, 0, k, row, m);
      }
      row += m;
    }
    return new FeatureMatrix(x, first.names, c, first.contextNames, w, y, k);
  }

  /** The same rows with a context of {@code width} values per row, named {@code z0 ..}. */
  public FeatureMatrix withContext(float[] rowMajor, int width) {
    return withContext(rowMajor, generatedNames("z", width));
  }

  /** The same rows with a named context (row-major, names.size() values per row). */
  public FeatureMatrix withContext(float[] rowMajor, List<String> contextNames) {
    return new FeatureMatrix(x, names, rowMajor, contextNames, weights, labels, categories);
  }

  /** The same rows without their context (this matrix if it has none). */
  public FeatureMatrix withoutContext() {
    return context == null
        ? this
        : new FeatureMatrix(x, names, null, null, weights, labels, categories);
  }

  /** The same rows with per-row weights (null for unit weights). */
  public FeatureMatrix withWeights(float[] w) {
    return new FeatureMatrix(x, names, context, contextNames, w, labels, categories);
  }

  /** The same rows with per-row labels (null for none). */
  public FeatureMatrix withLabels(int[] y) {
    return new FeatureMatrix(x, names, context, contextNames, weights, y, categories);
  }

  /** The same rows with per-row categories (null for none). */
  public FeatureMatrix withCategories(int[] k) {
    return new FeatureMatrix(x, names, context, contextNames, weights, labels, k);
  }

  /** The same rows with other feature values of the same width and names (e.g. standardized). */
  public FeatureMatrix withValues(float[] values) {
    return new FeatureMatrix(values, names, context, contextNames, weights, labels, categories);
  }

  /**
   * The rows with further feature columns appended after the existing ones.
   *
   * @param columnNames the new columns' names (not already present)
   * @param rowMajor N x columnNames.size() values, row-major
   */
  public FeatureMatrix withColumns(List<String> columnNames, float[] rowMajor) {
    int k = columnNames.size();
    int n = size();
    if (rowMajor == null || rowMajor.length != (long) n * k) {
      throw new IllegalArgumentException(
          "new columns "
              + columnNames
              + " need "
              + n
              + " x "
              + k
              + " values, got "
              + (rowMajor == null ? "null" : rowMajor.length));
    }
    List<String> all = new ArrayList<>(names);
    all.addAll(columnNames);
    int dim = dim();
    int width = dim + k;
    float[] out = new float[n * width];
    for (int i = 0; i < n; i++) {
      System.arraycopy(x, i * dim, out, i * width, dim);
      System.arraycopy(rowMajor, i * k, out, i * width + dim, k);
    }
    return new FeatureMatrix(out, all, context, contextNames, weights, labels, categories);
  }

  /**
   * The features with the context appended as columns: rows (x_i, z_i) of D + C values, with no
   * context left (the inputs of a parameterized classifier).
   */
  public FeatureMatrix contextAsColumns() {
    if (context == null) {
      throw new IllegalStateException("no context to append");
    }
    return withoutContext().withColumns(contextNames, context);
  }

  /**
   * The rows whose label is {@code label}, in order (e.g. 1 for the signal events).
   *
   * @throws IllegalStateException if the rows have no labels
   * @throws IllegalArgumentException if no row has that label
   */
  public FeatureMatrix withLabel(int label) {
    if (labels == null) {
      throw new IllegalStateException("the rows have no labels");
    }
    int[] rows = new int[labels.length];
    int n = 0;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] == label) {
        rows[n++] = i;
      }
    }
    if (n == 0) {
      throw new IllegalArgumentException("no row of " + size() + " has label " + label);
    }
    return select(Arrays.copyOf(rows, n));
  }

  /** The rows at the given indices, in that order. */
  public FeatureMatrix select(int[] rows) {
    int dim = dim();
    int cdim = contextDim();
    float[] nx = new float[rows.length * dim];
    float[] nc = context == null ? null : new float[rows.length * cdim];
    float[] nw = weights == null ? null : new float[rows.length];
    int[] ny = labels == null ? null : new int[rows.length];
    int[] nk = categories == null ? null : new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      int r = rows[i];
      if (r < 0 || r >= size()) {
        throw new IllegalArgumentException("row " + r + " outside [0, " + size() + ")");
      }
      System.arraycopy(x, r * dim, nx, i * dim, dim);
      if (nc != null) {
        System.arraycopy(context, r * cdim, nc, i * cdim, cdim);
      }
      if (nw != null) {
        nw[i] = weights[r];
      }
      if (ny != null) {
        ny[i] = labels[r];
      }
      if (nk != null) {
        nk[i] = categories[r];
      }
    }
    return new FeatureMatrix(nx, names, nc, contextNames, nw, ny, nk);
  }

  /**
   * Shuffles the rows with a seeded generator and splits off the last {@code fraction} of them.
   *
   * @return {training, validation}; validation is null when fraction rounds to no row
   */
  public FeatureMatrix[] split(double fraction, long seed) {
    if (!(fraction >= 0) || !(fraction < 1)) {
      throw new IllegalArgumentException(
          "validation fraction = " + fraction + " must be in [0, 1)");
    }
    int n = size();
    int[] order = Seeds.shuffled(n, new SplittableRandom(seed));
    int nValidation = (int) Math.round(n * fraction);
    if (nValidation == 0) {
      return new FeatureMatrix[] {select(order), null};
    }
    if (nValidation == n) {
      throw new IllegalArgumentException(
          "validation fraction = " + fraction + " leaves no training rows of " + n);
    }
    return new FeatureMatrix[] {
      select(Arrays.copyOfRange(order, 0, n - nValidation)),
      select(Arrays.copyOfRange(order, n - nValidation, n))
    };
  }

  /** N, the number of rows. */
  public int size() {
    return x.length / names.size();
  }

  /** D, the number of feature columns. */
  public int dim() {
    return names.size();
  }

  /** The feature values, N x D row-major (not a copy: do not modify). */
  public float[] x() {
    return x;
  }

  /** The feature column names, in order. */
  public List<String> names() {
    return names;
  }

  /** The context, N x C row-major, or null (not a copy). */
  public float[] context() {
    return context;
  }

  /** C, the context width (0 without context). */
  public int contextDim() {
    return contextNames.size();
  }

  /** The context column names (empty without context). */
  public List<String> contextNames() {
    return contextNames;
  }

  /** The per-row weights, or null for unit weights (not a copy). */
  public float[] weights() {
    return weights;
  }

  /** The per-row labels, or null (not a copy). */
  public int[] labels() {
    return labels;
  }

  /** The per-row categories, or null (not a copy). */
  public int[] categories() {
    return categories;
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

  /** One feature column as a new array. */
  public float[] column(String name) {
    int d = names.indexOf(name);
    if (d < 0) {
      throw new IllegalArgumentException("no column '" + name + "' among " + names);
    }
    float[] out = new float[size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = x[i * names.size() + d];
    }
    return out;
  }

  @Override
  public String toString() {
    return "FeatureMatrix["
        + size()
        + " rows x "
        + names
        + (context == null ? "" : ", context " + contextNames)
        + (weights == null ? "" : ", weighted")
        + (labels == null ? "" : ", labelled")
        + (categories == null ? "" : ", categorized")
        + "]";
  }

  private static List<String> generatedNames(String prefix, int width) {
    if (width < 1) {
      throw new IllegalArgumentException("width = " + width + " must be >= 1");
    }
    List<String> out = new ArrayList<>(width);
    for (int d = 0; d < width; d++) {
      out.add(prefix + d);
    }
    return out;
  }

  private static List<String> checkNames(String what, List<String> names) {
    if (names == null || names.isEmpty()) {
      throw new IllegalArgumentException(what + " names are " + (names == null ? "null" : "empty"));
    }
    List<String> copy = List.copyOf(names);
    if (new HashSet<>(copy).size() != copy.size()) {
      throw new IllegalArgumentException(what + " names " + copy + " are not unique");
    }
    return copy;
  }

  private static void checkFinite(String what, float[] values, List<String> names) {
    int width = names.size();
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new IllegalArgumentException(
            what
                + "["
                + i / width
                + ", "
                + i % width
                + "] ("
                + names.get(i % width)
                + ") = "
                + values[i]
                + " is not finite");
      }
    }
  }

  private static void checkLength(String what, int length, int n) {
    if (length != n) {
      throw new IllegalArgumentException(what + " has " + length + " values for " + n + " rows");
    }
  }

  private static int[] checkNonNegative(String what, int[] values, int n) {
    if (values == null) {
      return null;
    }
    checkLength(what, values.length, n);
    for (int i = 0; i < n; i++) {
      if (values[i] < 0) {
        throw new IllegalArgumentException(what + "[" + i + "] = " + values[i] + " is negative");
      }
    }
    return values;
  }

  private static int width(String what, float[][] rows) {
    if (rows == null || rows.length == 0) {
      throw new IllegalArgumentException(what + " has no rows");
    }
    return rows[0].length;
  }

  private static float[] flatten(String what, float[][] rows, int width) {
    float[] flat = new float[rows.length * width];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != width) {
        throw new IllegalArgumentException(
            what + " row " + i + " has " + rows[i].length + " values, row 0 has " + width);
      }
      System.arraycopy(rows[i], 0, flat, i * width, width);
    }
    return flat;
  }
}
