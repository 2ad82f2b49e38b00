package org.cnflows.flows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Shape and finiteness checks of batches handed to a flow. */
final class Inputs {

  private Inputs() {}

  static void check(NDArray x, NDArray context, int dim, int contextDim) {
    Shape s = x.getShape();
    if (s.dimension() != 2 || s.get(1) != dim) {
      throw new IllegalArgumentException("x has shape " + s + ", expected (N, " + dim + ")");
    }
    if (contextDim == 0 && context != null) {
      throw new IllegalArgumentException(
          "context of shape " + context.getShape() + " given to a flow without context");
    }
    if (contextDim > 0) {
      if (context == null) {
        throw new IllegalArgumentException(
            "the flow needs a context of shape (" + s.get(0) + ", " + contextDim + "), got none");
      }
      Shape c = context.getShape();
      if (c.dimension() != 2 || c.get(0) != s.get(0) || c.get(1) != contextDim) {
        throw new IllegalArgumentException(
            "context has shape " + c + ", expected (" + s.get(0) + ", " + contextDim + ")");
      }
      checkFinite(context, "context");
    }
    checkFinite(x, "x");
  }

  private static void checkFinite(NDArray a, String name) {
    if (a.isNaN().logicalOr(a.isInfinite()).any().getBoolean()) {
      float[] v = a.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
      int cols = (int) a.getShape().get(1);
      for (int i = 0; i < v.length; i++) {
        if (!Float.isFinite(v[i])) {
          throw new IllegalArgumentException(
              name + "[" + i / cols + ", " + i % cols + "] = " + v[i] + " is not finite");
        }
      }
    }
  }
}
