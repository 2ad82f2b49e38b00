package org.cnflows.flows;

import ai.djl.ndarray.NDArray;

/** Hidden-layer activations of conditioners. */
public enum Activation {
  /** Gaussian error linear unit (the CNF paper's choice, App. A). */
  GELU,
  /** max(x, 0) (the thesis's choice, Sec. 3.2.2). */
  RELU,
  /** tanh(x). */
  TANH;

  /** Applies the activation elementwise. */
  public NDArray apply(NDArray x) {
    switch (this) {
      case GELU:
        return ai.djl.nn.Activation.gelu(x);
      case RELU:
        return ai.djl.nn.Activation.relu(x);
      case TANH:
        return ai.djl.nn.Activation.tanh(x);
      default:
        throw new AssertionError(this);
    }
  }
}
