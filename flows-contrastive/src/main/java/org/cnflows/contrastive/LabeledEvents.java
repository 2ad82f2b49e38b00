package org.cnflows.contrastive;

/**
 * Classifier training events in host memory: N rows of D features (row-major), a 0/1 label per row
 * (1 = signal), optional per-row weights and optional categories (the head of each row). Validated
 * at construction: both classes must be present.
 *
 * @param x N * D features
 * @param dim D
 * @param labels N labels, 0 or 1
 * @param weights N finite non-negative weights, or null for unit weights
 * @param categories N categories, or null for a single head
 */
public record LabeledEvents(float[] x, int dim, int[] labels, float[] weights, int[] categories) {

  /** Validates the arrays; messages name the first bad row. */
  public LabeledEvents {
    int n = Events.checkWidth(x, dim);
    for (int i = 0; i < x.length; i++) {
      if (!Float.isFinite(x[i])) {
        throw new IllegalArgumentException(
            "x[" + i / dim + ", " + i % dim + "] = " + x[i] + " is not finite");
      }
    }
    if (labels == null || labels.length != n) {
      throw new IllegalArgumentException(
          "labels has " + (labels == null ? "null" : labels.length) + " values for " + n + " rows");
    }
    int signal = 0;
    for (int i = 0; i < n; i++) {
      if (labels[i] != 0 && labels[i] != 1) {
        throw new IllegalArgumentException("labels[" + i + "] = " + labels[i] + " is not 0 or 1");
      }
      signal += labels[i];
    }
    if (signal == 0 || signal == n) {
      throw new IllegalArgumentException(
          "all "
              + n
              + " events have label "
              + labels[0]
              + ": a classifier needs both classes (1 = signal, 0 = background)");
    }
    if (weights != null) {
      if (weights.length != n) {
        throw new IllegalArgumentException(
            "weights has " + weights.length + " values for " + n + " rows");
      }
      for (int i = 0; i < n; i++) {
        if (!(weights[i] >= 0) || Float.isInfinite(weights[i])) {
          throw new IllegalArgumentException(
              "weights[" + i + "] = " + weights[i] + " must be finite and >= 0");
        }
      }
    }
    if (categories != null && categories.length != n) {
      throw new IllegalArgumentException(
          "categories has " + categories.length + " values for " + n + " rows");
    }
  }

  /** Unweighted events of one head: signal rows labelled 1, then background rows labelled 0. */
  public static LabeledEvents of(float[] signal, float[] background, int dim) {
    int ns = Events.checkWidth(signal, dim);
    int nb = Events.checkWidth(background, dim);
    float[] x = new float[signal.length + background.length];
    System.arraycopy(signal, 0, x, 0, signal.length);
    System.arraycopy(background, 0, x, signal.length, background.length);
    int[] labels = new int[ns + nb];
    java.util.Arrays.fill(labels, 0, ns, 1);
    return new LabeledEvents(x, dim, labels, null, null);
  }

  /** N. */
  public int size() {
    return labels.length;
  }

  /** The same events with a category per row. */
  public LabeledEvents withCategories(int[] c) {
    return new LabeledEvents(x, dim, labels, weights, c.clone());
  }
}
