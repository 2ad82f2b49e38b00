package org.cnflows.flows;

import ai.djl.ndarray.NDArray;

/**
 * One training batch on the flow's device.
 *
 * @param x features, shape (B, D)
 * @param context context, shape (B, C), or null
 * @param weights per-row weights, shape (B), or null for unit weights
 */
public record Batch(NDArray x, NDArray context, NDArray weights) {

  /** The weighted mean of per-row values v: sum(w v) / sum(w), or mean(v) without weights. */
  public NDArray weightedMean(NDArray values) {
    return weights == null ? values.mean() : values.mul(weights).sum().div(weights.sum());
  }
}
