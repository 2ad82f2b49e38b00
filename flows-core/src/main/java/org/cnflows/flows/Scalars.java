package org.cnflows.flows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a constant whose tensor outlives the backward pass.
 *
 * <p>On the PyTorch engine, DJL's {@code mul(Number)}, {@code div(Number)}, {@code pow(Number)},
 * {@code maximum(Number)} and {@code minimum(Number)} wrap the constant in a temporary tensor and
 * close it as soon as the operation returns; autograd has saved that tensor for the backward pass,
 * whose gradient then reads released memory (measured: 2-5 corrupted gradients in 300 backward
 * passes under allocation churn, none for {@code add}, {@code sub} and {@code clip}, whose backward
 * needs no constant). Training showed it as NaN gradients at random steps: an array created from
 * Java data wraps a Java buffer without copying it, and closing the array releases that buffer.
 * Here the constant is filled natively ({@code full}), so its memory belongs to the native tensor,
 * which autograd keeps alive as long as it needs it, even when the array's manager (an {@code
 * NDScope}, a training step, the sub-scope of {@link Flow#logProb}) is closed before the backward
 * pass.
 */
public final class Scalars {

  private Scalars() {}

  private static NDArray constant(NDArray like, double value) {
    return like.getManager().full(new Shape(), (float) value, like.getDataType());
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
