package org.cnflows.flows;

import ai.djl.ndarray.NDArray;

/**
 * The result of applying a bijection to a batch.
 *
 * @param value the transformed batch, shape (N, D)
 * @param logDet log |det J| of the applied map for each row, shape (N)
 */
public record Transformed(NDArray value, NDArray logDet) {}
