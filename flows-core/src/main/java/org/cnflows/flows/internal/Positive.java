package org.cnflows.flows.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import org.cnflows.flows.Scalars;

/** Maps unconstrained parameters to derivatives bounded below, equal to 1 at zero. */
public final class Positive {

  private Positive() {}

  /**
   * d = m + softplus(raw + log(exp(1 - m) - 1)): d > m everywhere and d(0) = 1.
   *
   * @param raw unconstrained values
   * @param minimum m, in [0, 1)
   */
  public static NDArray derivative(NDArray raw, double minimum) {
    double shift = Math.log(Math.expm1(1 - minimum));
    return Activation.softPlus(raw.add(Scalars.of(raw, shift))).add(Scalars.of(raw, minimum));
  }

  /** Checks that a lower bound is in [0, upper). */
  public static void checkMinimum(String name, double value, double upper) {
    if (!(value >= 0) || !(value < upper)) {
      throw new IllegalArgumentException(name + " = " + value + " must be in [0, " + upper + ")");
    }
  }
}
