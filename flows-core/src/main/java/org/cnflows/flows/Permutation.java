package org.cnflows.flows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.cnflows.common.Seeds;

/**
 * A fixed permutation of the features, z_i = x_{order[i]}; |det J| = 1. The order is stored as a
 * non-trainable parameter so it travels with saved flows.
 */
public final class Permutation extends Bijection {

  private final int[] order;
  private final Parameter forwardIndex;
  private final Parameter inverseIndex;

  /**
   * @param order a permutation of 0..D-1
   * @param contextDim C (ignored by the map; kept so the layer fits any flow)
   */
  public Permutation(int[] order, int contextDim) {
    super(order.length, contextDim);
    this.order = order.clone();
    forwardIndex = addParameter(index("order", this.order));
    inverseIndex = addParameter(index("inverse", inverseOf(this.order)));
  }

  /**
   * The inverse permutation, inverse[order[i]] = i.
   *
   * @throws IllegalArgumentException naming the order when it is not a permutation of 0..D-1
   */
  static int[] inverseOf(int[] order) {
    int[] inverse = new int[order.length];
    Arrays.fill(inverse, -1);
    for (int i = 0; i < order.length; i++) {
      int j = order[i];
      if (j < 0 || j >= order.length || inverse[j] != -1) {
        throw new IllegalArgumentException(
            "order "
                + Arrays.toString(order)
                + " is not a permutation of 0.."
                + (order.length - 1));
      }
      inverse[j] = i;
    }
    return inverse;
  }

  /** The reversal D-1, ..., 0. */
  public static int[] reversed(int dim) {
    int[] order = new int[dim];
    for (int i = 0; i < dim; i++) {
      order[i] = dim - 1 - i;
    }
    return order;
  }

  /** The identity 0, ..., D-1. */
  public static int[] identity(int dim) {
    int[] order = new int[dim];
    for (int i = 0; i < dim; i++) {
      order[i] = i;
    }
    return order;
  }

  /** A uniformly random permutation (Fisher-Yates) drawn from a seeded generator. */
  public static int[] random(int dim, long seed) {
    return Seeds.shuffled(dim, new SplittableRandom(seed));
  }

  /** The permutation, order[i] = index of the input feature that becomes output feature i. */
  public int[] order() {
    return order.clone();
  }

  /** A constant int64 index parameter, for selecting features or rows in a fixed order. */
  static Parameter index(String name, int[] values) {
    long[] longs = Arrays.stream(values).asLongStream().toArray();
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.OTHER)
        .optShape(new Shape(values.length))
        .optRequiresGrad(false)
        .optInitializer(
            (manager, shape, dataType) -> manager.create(longs).toType(DataType.INT64, false))
        .build();
  }

  @Override
  public Transformed forward(NDArray x, NDArray context) {
    return new Transformed(
        x.get(new NDIndex(":, {}", forwardIndex.getArray())),
        x.getManager().zeros(new Shape(x.getShape().get(0)), x.getDataType()));
  }

  @Override
  public Transformed inverse(NDArray z, NDArray context) {
    return new Transformed(
        z.get(new NDIndex(":, {}", inverseIndex.getArray())),
        z.getManager().zeros(new Shape(z.getShape().get(0)), z.getDataType()));
  }
}
