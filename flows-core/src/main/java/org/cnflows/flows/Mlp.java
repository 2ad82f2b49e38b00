package org.cnflows.flows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import org.cnflows.flows.internal.Dense;
import org.cnflows.flows.internal.PresetBlock;

/**
 * A multilayer perceptron conditioner: {@code depth} hidden layers of width {@code hidden} with an
 * activation, then a linear output layer initialized to zero, so that a coupling layer built on it
 * starts as the identity map.
 */
public final class Mlp extends PresetBlock {

  private final Dense[] layers;
  private final Activation activation;

  /**
   * @param in input width
   * @param hidden width of each hidden layer
   * @param depth number of hidden layers, >= 1
   * @param out output width
   * @param activation hidden activation
   * @param seed seed of the initializer
   */
  public Mlp(int in, int hidden, int depth, int out, Activation activation, long seed) {
    if (depth < 1) {
      throw new IllegalArgumentException("depth = " + depth + " must be at least 1");
    }
    if (hidden < 1) {
      throw new IllegalArgumentException("hidden = " + hidden + " must be at least 1");
    }
    this.activation = activation;
    layers = new Dense[depth + 1];
    for (int i = 0; i <= depth; i++) {
      int a = i == 0 ? in : hidden;
      int b = i == depth ? out : hidden;
      layers[i] = addChildBlock("dense" + i, new Dense(a, b, i == depth, null, seed * 31 + i));
    }
  }

  /** Applies the network to x of shape (N, in). */
  public NDArray apply(NDArray x) {
    NDArray h = x;
    for (int i = 0; i < layers.length; i++) {
      h = layers[i].apply(h);
      if (i < layers.length - 1) {
        h = activation.apply(h);
      }
    }
    return h;
  }

  @Override
  protected NDList forwardList(NDList inputs) {
    return new NDList(apply(inputs.singletonOrThrow()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), layers[layers.length - 1].out())};
  }
}
