package org.cnflows.flows;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Checks of batches handed to a flow (shape, data type, device, range) and of the log-densities it
 * returns, and the local views that keep a call's intermediates out of the caller's manager. The
 * checks create arrays in the manager of their argument: call them on {@link #local} views.
 */
final class Inputs {

  private Inputs() {}

  static void check(NDArray x, NDArray context, int dim, int contextDim, Device device) {
    Shape s = x.getShape();
    if (s.dimension() != 2 || s.get(1) != dim) {
      throw new IllegalArgumentException("x has shape " + s + ", expected (N, " + dim + ")");
    }
    if (contextDim == 0 && context != null) {
      throw new IllegalArgumentException(
          "context of shape " + context.getShape() + " given to a flow without context");
    }
    checkTypeAndDevice(x, "x", device);
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
      checkTypeAndDevice(context, "context", device);
      checkRange(context, "context");
    }
    checkRange(x, "x");
  }

  private static void checkTypeAndDevice(NDArray a, String name, Device device) {
    if (a.getDataType() != DataType.FLOAT32) {
      throw new IllegalArgumentException(
          name
              + " has data type "
              + a.getDataType()
              + "; flows compute in float32: convert with toType(DataType.FLOAT32, false)");
    }
    if (!a.getDevice().equals(device)) {
      throw new IllegalArgumentException(
          name + " is on " + a.getDevice() + ", the flow's parameters on " + device);
    }
  }

  /**
   * One device-side test of the whole array (NaN fails it too); the host scan only runs to name a
   * bad value.
   */
  private static void checkRange(NDArray a, String name) {
    if (a.abs().lte(Flow.INPUT_LIMIT).all().getBoolean()) {
      return;
    }
    float[] v = a.toFloatArray();
    int cols = (int) a.getShape().get(1);
    for (int i = 0; i < v.length; i++) {
      String at = name + "[" + i / cols + ", " + i % cols + "] = " + v[i];
      if (!Float.isFinite(v[i])) {
        throw new IllegalArgumentException(at + " is not finite");
      }
      if (Math.abs(v[i]) > Flow.INPUT_LIMIT) {
        throw outsideRange(at);
      }
    }
  }

  /** The refusal of a value beyond {@link Flow#INPUT_LIMIT}; {@code at} names it and its value. */
  static IllegalArgumentException outsideRange(String at) {
    return new IllegalArgumentException(
        at
            + " is outside the range of flow inputs, |value| <= "
            + Flow.INPUT_LIMIT
            + " (standardize the features)");
  }

  /**
   * Throws if a log-density is not finite: an input inside the range can still be mapped beyond
   * float32 by a flow whose layers scale it up.
   */
  static void checkLogDensity(NDArray logProb) {
    if (!logProb.isInfinite().logicalOr(logProb.isNaN()).any().getBoolean()) {
      return;
    }
    float[] v = logProb.toFloatArray();
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        throw new IllegalArgumentException(
            "log p(x["
                + i
                + "]) = "
                + v[i]
                + ": the flow maps row "
                + i
                + " beyond the float32 range, so it has no usable density there");
      }
    }
  }

  /**
   * A differentiable view of a caller's array owned by {@code scope}, so that every array an
   * operation on it creates belongs to the scope (on PyTorch a result lives in the manager of its
   * first operand); closing the view leaves the caller's array intact.
   */
  static NDArray local(NDArray array, NDManager scope) {
    if (array == null) {
      return null;
    }
    NDArray view = array.reshape(array.getShape());
    view.attach(scope);
    return view;
  }
}
