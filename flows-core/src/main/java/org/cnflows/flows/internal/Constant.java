package org.cnflows.flows.internal;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

/**
 * Fixed float arrays (masks, permutation matrices) held as non-trainable DJL parameters, so that
 * they live on the layer's device and travel with saved flows.
 */
public final class Constant {

  private Constant() {}

  /**
   * A parameter that is initialized to {@code values} and never receives a gradient.
   *
   * @param name the parameter's name
   * @param values row-major values, as many as {@code shape} holds
   * @param shape the shape of the array
   */
  public static Parameter of(String name, float[] values, Shape shape) {
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
}
