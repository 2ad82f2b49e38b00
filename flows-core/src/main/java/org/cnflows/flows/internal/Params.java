package org.cnflows.flows.internal;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;

/** Builders of the DJL parameters that layers share: fixed arrays and zero-initialized weights. */
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
}
