package org.cnflows.flows;

import ai.djl.ndarray.NDArray;

/**
 * Arithmetic with a constant whose tensor outlives the backward pass.
 *
 * <p>On the PyTorch engine, DJL's {@code mul(Number)}, {@code div(Number)}, {@code pow(Number)},
 * {@code maximum(Number)} and {@code minimum(Number)} wrap the constant in a temporary tensor and
 * close it as soon as the operation returns; autograd has saved that tensor for the backward pass,
 * whose gradient then reads released memory (measured: 2-5 corrupted gradients in 300 backward
 * passes under allocation churn, none for {@code add}, {@code sub} and {@code clip}, whose backward
 * needs no constant). Training showed it as NaN gradients at random steps. Here the constant is an
 * ordinary array in the input's manager, hence also in the current {@code NDScope}, and lives until
 * the scope (a training step) ends.
 */
public final class Scalars {

  private Scalars() {}

  private static NDArray constant(NDArray like, double value) {
    return like.getManager().create((float) value).toType(like.getDataType(), false);
  }

  /** x * c. */
  public static NDArray times(NDArray x, double c) {
    return x.mul(constant(x, c));
  }

  /** x / c. */
  public static NDArray over(NDArray x, double c) {
    return x.div(constant(x, c));
  }

  /** max(x, c) elementwise. */
  public static NDArray atLeast(NDArray x, double c) {
    return x.maximum(constant(x, c));
  }
}
