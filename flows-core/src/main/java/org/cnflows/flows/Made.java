package org.cnflows.flows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import org.cnflows.flows.internal.Dense;
import org.cnflows.flows.internal.PresetBlock;

/**
 * A masked autoencoder for distribution estimation (MADE, Germain, Gregor, Murray and Larochelle
 * 2015, Sec. 4) with residual blocks, the conditioner of masked autoregressive flows: for D
 * features it outputs P parameters per feature such that the parameters of feature i depend only on
 * the features {@code j < i} and on the context.
 *
 * <p>The architecture follows nflows' {@code MADE} with {@code MaskedResidualBlock}s (Durkan et al.
 * 2019): an initial masked layer, then {@code residualBlocks} blocks h + W_2 a(W_1 a(h)) of two
 * masked layers, then a masked output layer initialized to zero, so that a new flow is the identity
 * (nflows draws it from +-1e-3 instead). Masks follow degrees (Germain et al., Eqs. 12-13): input i
 * has degree i + 1; a hidden unit sees the units of lower or equal degree, an output of feature i
 * sees the hidden units of degree strictly below i + 1. The context is concatenated to the input of
 * the initial layer, of the first layer of each block and of the output layer, visible to every
 * unit. Without a context, hidden unit k has degree (k mod max(1, D - 1)) + min(1, D - 1), as in
 * nflows. With a context the degrees cycle through 0..D-1: the units of degree 0 see the context
 * alone, so the parameters of the first feature are a nonlinear function of the context like every
 * other feature's. With nflows' degrees no hidden unit reaches the first feature's outputs: nflows
 * adds the context to the hidden layers only, so those parameters ignore it (nflows pull request
 * 85), and feeding it to the output layer alone makes them linear in it, which left a one-layer
 * {@link FactorizableResidual} 0.018 nats short of the true T4 deformation (0.0002 with degree-0
 * units). Output i P + p is parameter p of feature i, so the output reshapes to (N, D, P).
 */
public final class Made extends PresetBlock {

  private final int features;
  private final int contextDim;
  private final int paramsPerFeature;
  private final Activation activation;
  private final Dense initial;
  private final Dense[] blockFirst;
  private final Dense[] blockSecond;
  private final Dense output;

  /**
   * @param features D, the number of autoregressive features
   * @param contextDim C, the width of the context (0 for none)
   * @param hidden H, the width of the hidden layers
   * @param residualBlocks the number of residual blocks, >= 1
   * @param paramsPerFeature P, the outputs per feature
   * @param activation the hidden activation
   * @param seed seed of the initializer
   */
  public Made(
      int features,
      int contextDim,
      int hidden,
      int residualBlocks,
      int paramsPerFeature,
      Activation activation,
      long seed) {
    requireAtLeast("features", features, 1);
    requireAtLeast("contextDim", contextDim, 0);
    requireAtLeast("hidden", hidden, 1);
    requireAtLeast("residualBlocks", residualBlocks, 1);
    requireAtLeast("paramsPerFeature", paramsPerFeature, 1);
    if (activation == null) {
      throw new IllegalArgumentException("activation is null");
    }
    this.features = features;
    this.contextDim = contextDim;
    this.paramsPerFeature = paramsPerFeature;
    this.activation = activation;
    int[] inputDegrees = new int[features];
    for (int i = 0; i < features; i++) {
      inputDegrees[i] = i + 1;
    }
    int[] hiddenDegrees = hiddenDegrees(features, hidden, contextDim > 0);
    int[] outputDegrees = new int[features * paramsPerFeature];
    for (int o = 0; o < outputDegrees.length; o++) {
      outputDegrees[o] = o / paramsPerFeature + 1;
    }
    initial =
        addChildBlock(
            "initial",
            new Dense(
                features + contextDim,
                hidden,
                false,
                mask(hiddenDegrees, inputDegrees, contextDim, false),
                seed * 31));
    blockFirst = new Dense[residualBlocks];
    blockSecond = new Dense[residualBlocks];
    for (int b = 0; b < residualBlocks; b++) {
      blockFirst[b] =
          addChildBlock(
              "block" + b + "a",
              new Dense(
                  hidden + contextDim,
                  hidden,
                  false,
                  mask(hiddenDegrees, hiddenDegrees, contextDim, false),
                  seed * 31 + 2 * b + 1));
      blockSecond[b] =
          addChildBlock(
              "block" + b + "b",
              new Dense(
                  hidden,
                  hidden,
                  false,
                  mask(hiddenDegrees, hiddenDegrees, 0, false),
                  seed * 31 + 2 * b + 2));
    }
    output =
        addChildBlock(
            "output",
            new Dense(
                hidden + contextDim,
                features * paramsPerFeature,
                true,
                mask(outputDegrees, hiddenDegrees, contextDim, true),
                seed * 31 + 2 * residualBlocks + 1));
  }

  private static void requireAtLeast(String name, int value, int minimum) {
    if (value < minimum) {
      throw new IllegalArgumentException(name + " = " + value + " must be at least " + minimum);
    }
  }

  /**
   * The degrees of H hidden units for D features: with a context cycling through 0..D-1 (degree 0
   * sees the context alone); without one through 1..D-1 as nflows assigns them without random masks
   * (all 0 when D = 1).
   */
  static int[] hiddenDegrees(int features, int hidden, boolean context) {
    int max = context ? features : Math.max(1, features - 1);
    int min = context ? 0 : Math.min(1, features - 1);
    int[] degrees = new int[hidden];
    for (int k = 0; k < hidden; k++) {
      degrees[k] = k % max + min;
    }
    return degrees;
  }

  /**
   * The (out x (in + context)) row-major 0/1 mask: unit o sees input j when deg(o) >= deg(j), or
   * deg(o) > deg(j) for the output layer; the trailing context columns are always visible.
   */
  private static float[] mask(int[] out, int[] in, int context, boolean strict) {
    int width = in.length + context;
    float[] mask = new float[out.length * width];
    for (int o = 0; o < out.length; o++) {
      for (int j = 0; j < width; j++) {
        boolean visible = j >= in.length || (strict ? out[o] > in[j] : out[o] >= in[j]);
        mask[o * width + j] = visible ? 1 : 0;
      }
    }
    return mask;
  }

  /** D, the number of autoregressive features. */
  public int features() {
    return features;
  }

  /** P, the outputs per feature. */
  public int paramsPerFeature() {
    return paramsPerFeature;
  }

  private NDArray withContext(NDArray h, NDArray context) {
    return contextDim == 0 ? h : NDArrays.concat(new NDList(h, context), 1);
  }

  /**
   * The autoregressive parameters.
   *
   * @param x features, shape (N, D)
   * @param context shape (N, C), or null when C = 0
   * @return shape (N, D, P); row i of the second axis depends only on {@code x_j, j < i}, and the
   *     context
   */
  public NDArray apply(NDArray x, NDArray context) {
    if ((context == null) != (contextDim == 0)) {
      throw new IllegalArgumentException(
          "context is " + (context == null ? "null" : "given") + " but contextDim = " + contextDim);
    }
    NDArray h = initial.apply(withContext(x, context));
    for (int b = 0; b < blockFirst.length; b++) {
      NDArray t = blockFirst[b].apply(withContext(activation.apply(h), context));
      h = h.add(blockSecond[b].apply(activation.apply(t)));
    }
    NDArray raw = output.apply(withContext(h, context));
    return raw.reshape(raw.getShape().get(0), features, paramsPerFeature);
  }

  @Override
  protected NDList forwardList(NDList inputs) {
    return new NDList(apply(inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), features, paramsPerFeature)};
  }
}
