package org.cnflows.flows.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;

/**
 * A fully connected layer y = x W^T + b evaluated as one fused addmm ({@link Linear#linear}).
 *
 * <p>Initialization follows PyTorch's {@code nn.Linear}: W and b uniform in +-1/sqrt(fan_in), or
 * zeros when {@code zero} is set (the last layer of a conditioner, so that a new flow is the
 * identity). An optional fixed mask (MADE) multiplies W.
 */
public final class Dense extends PresetBlock {

  private final Parameter weight;
  private final Parameter bias;
  private final Parameter mask;
  private final int in;
  private final int out;

  /**
   * @param in input width
   * @param out output width
   * @param zero initialize W and b to zero
   * @param mask row-major (out x in) 0/1 mask applied to W, or null
   * @param seed seed of the initializer
   */
  public Dense(int in, int out, boolean zero, float[] mask, long seed) {
    if (in < 1 || out < 1) {
      throw new IllegalArgumentException(
          "Dense layer " + in + " -> " + out + " must have widths >= 1");
    }
    if (mask != null && mask.length != in * out) {
      throw new IllegalArgumentException("mask length " + mask.length + " != " + out + " x " + in);
    }
    this.in = in;
    this.out = out;
    double scale = zero ? 0 : 1 / Math.sqrt(in);
    weight =
        addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, in))
                .optInitializer(new SeededUniform(scale, seed))
                .build());
    bias =
        addParameter(
            Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(out))
                .optInitializer(new SeededUniform(scale, seed ^ 0x5DEECE66DL))
                .build());
    this.mask =
        mask == null ? null : addParameter(Params.constant("mask", mask, new Shape(out, in)));
  }

  /** Input width. */
  public int in() {
    return in;
  }

  /** Output width. */
  public int out() {
    return out;
  }

  /**
   * x W^T + b for x of shape (N, in); a masked W lives in the manager of x (see {@link Params}).
   */
  public NDArray apply(NDArray x) {
    NDArray w = weight.getArray();
    if (mask != null) {
      w = w.mul(mask.getArray());
      w.attach(x.getManager());
    }
    return Linear.linear(x, w, bias.getArray()).singletonOrThrow();
  }

  @Override
  protected NDList forwardList(NDList inputs) {
    return new NDList(apply(inputs.singletonOrThrow()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), out)};
  }
}
