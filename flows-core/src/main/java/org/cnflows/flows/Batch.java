package org.cnflows.flows;

import ai.djl.ndarray.NDArray;

/**
 * One training batch on the model's device.
 *
 * @param x features, shape (B, D)
 * @param context context, shape (B, C), or null
 * @param weights per-row weights, shape (B), or null for unit weights
 * @param labels per-row labels as float32, shape (B), or null
 * @param categories per-row categories as int64, shape (B), or null
 */
public record Batch(
    NDArray x, NDArray context, NDArray weights, NDArray labels, NDArray categories) {

  /** A batch without labels or categories (flow training). */
  public Batch(NDArray x, NDArray context, NDArray weights) {
    this(x, context, weights, null, null);
  }

  /** The weighted mean of per-row values v: sum(w v) / sum(w), or mean(v) without weights. */
  public NDArray weightedMean(NDArray values) {
    return weights == null ? values.mean() : values.mul(weights).sum().div(weights.sum());
  }
}
