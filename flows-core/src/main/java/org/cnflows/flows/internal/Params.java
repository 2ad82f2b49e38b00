package org.cnflows.flows.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;

/**
 * Builders of the DJL parameters that layers share (fixed arrays, zero-initialized weights), and
 * the rule for computing with them: on the PyTorch engine an operation's result belongs to the
 * manager of its first operand, so an operation applied to a parameter's array would leave its
 * result in the flow's own manager for the flow's lifetime. Layers therefore start such chains from
 * {@link #local}, whose result lives in the batch's manager.
 */
public final class Params {

  private Params() {}

  /**
   * A fixed float array (mask, permutation matrix) held as a non-trainable parameter, so that it
   * lives on the layer's device and travels with saved flows.
   *
   * @param name the parameter's name
   * @param values row-major values, as many as {@code shape} holds
   * @param shape the shape of the array
   */
  public static Parameter constant(String name, float[] values, Shape shape) {
    if (values.length != shape.size()) {
      throw new IllegalArgumentException(
          "constant " + name + " has " + values.length + " values for shape " + shape);
    }
    float[] copy = values.clone();
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.OTHER)
        .optShape(shape)
        .optRequiresGrad(false)
        .optInitializer((manager, s, dataType) -> manager.create(copy, s).toType(dataType, false))
        .build();
  }

  /**
   * A trainable parameter initialized to zeros.
   *
   * @param name the parameter's name
   * @param type its DJL type (weight or bias)
   * @param shape the shape of the array
   */
  public static Parameter zeros(String name, Parameter.Type type, Shape shape) {
    return Parameter.builder()
        .setName(name)
        .setType(type)
        .optShape(shape)
        .optInitializer(Initializer.ZEROS)
        .build();
  }

  /**
   * A differentiable view of a parameter's array owned by the given manager, so that the arrays
   * derived from it during one call are freed with that manager (closing the view leaves the
   * parameter intact).
   */
  public static NDArray local(Parameter parameter, NDManager manager) {
    NDArray array = parameter.getArray();
    NDArray view = array.reshape(array.getShape());
    view.attach(manager);
    return view;
  }
}
