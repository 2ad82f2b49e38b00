package org.cnflows.flows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Log-determinants of layers whose Jacobian does not depend on the input. */
final class LogDets {

  private LogDets() {}

  /**
   * The same log-determinant for every row of a batch.
   *
   * @param batch the batch, shape (N, D); the result lives in its manager
   * @param value a scalar array, differentiable with respect to the layer's parameters
   * @return shape (N)
   */
  static NDArray perRow(NDArray batch, NDArray value) {
    return batch
        .getManager()
        .zeros(new Shape(batch.getShape().get(0)), batch.getDataType())
        .add(value);
  }
}
