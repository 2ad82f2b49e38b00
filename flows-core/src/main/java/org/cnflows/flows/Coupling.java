package org.cnflows.flows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * A coupling layer (Dinh et al. 2017): the features are split into two contiguous halves; one half
 * passes unchanged and, with the context, conditions an {@link ElementwiseTransform} of the other.
 *
 * <pre>
 *   x = (x_a, x_b),  theta = MLP(x_a, context),  z_b = f(x_b; theta),  z_a = x_a
 * </pre>
 *
 * {@code transformFirst} swaps the roles of the halves; recipes alternate it between layers so that
 * every feature is transformed. Halves are taken with slices (views) and joined with {@code
 * concat}; for odd D the first half has floor(D/2) features. With D = 1 the transformed feature is
 * conditioned on the context alone (or on nothing).
 */
public final class Coupling extends Bijection {

  private final ElementwiseTransform transform;
  private final boolean transformFirst;
  private final int split;
  private final int transformed;
  private final Mlp conditioner;

  /**
   * @param dim D
   * @param contextDim C (0 for none)
   * @param transform the map applied to the transformed half
   * @param transformFirst transform the first half (else the second)
   * @param hidden width of the conditioner's hidden layers
   * @param depth number of hidden layers of the conditioner
   * @param activation the conditioner's activation
   * @param seed seed of the conditioner's initializer
   */
  public Coupling(
      int dim,
      int contextDim,
      ElementwiseTransform transform,
      boolean transformFirst,
      int hidden,
      int depth,
      Activation activation,
      long seed) {
    super(dim, contextDim);
    this.transform = transform;
    this.transformFirst = transformFirst;
    this.split = dim == 1 ? (transformFirst ? 1 : 0) : dim / 2;
    this.transformed = transformFirst ? split : dim - split;
    if (transformed == 0) {
      throw new IllegalArgumentException("a coupling layer of dim = 1 must transform its feature");
    }
    int conditioning = dim - transformed + contextDim;
    this.conditioner =
        addChildBlock(
            "conditioner",
            new Mlp(
                Math.max(conditioning, 1),
                hidden,
                depth,
                transformed * transform.paramsPerFeature(),
                activation,
                seed));
  }

  private NDArray parameters(NDArray identity, NDArray context) {
    NDArray input;
    if (identity == null && context == null) {
      input = null;
    } else if (identity == null) {
      input = context;
    } else if (context == null) {
      input = identity;
    } else {
      input = NDArrays.concat(new NDList(identity, context), 1);
    }
    if (input == null) {
      throw new IllegalArgumentException(
          "a 1-D coupling layer without context has no conditioner input");
    }
    NDArray raw = conditioner.apply(input);
    return raw.reshape(raw.getShape().get(0), transformed, transform.paramsPerFeature());
  }

  private Transformed apply(NDArray x, NDArray context, boolean forward) {
    NDArray first;
    NDArray second;
    if (split == 0) {
      first = null;
      second = x;
    } else if (split == dim()) {
      first = x;
      second = null;
    } else {
      NDList halves = Slices.widths(x, 1, split, dim() - split);
      first = halves.get(0);
      second = halves.get(1);
    }
    NDArray identity = transformFirst ? second : first;
    NDArray changing = transformFirst ? first : second;
    NDArray theta = parameters(identity, context);
    Transformed t =
        forward ? transform.forward(changing, theta) : transform.inverse(changing, theta);
    if (identity == null) {
      return t;
    }
    NDList parts =
        transformFirst ? new NDList(t.value(), identity) : new NDList(identity, t.value());
    return new Transformed(NDArrays.concat(parts, 1), t.logDet());
  }

  @Override
  public Transformed forward(NDArray x, NDArray context) {
    return apply(x, context, true);
  }

  @Override
  public Transformed inverse(NDArray z, NDArray context) {
    return apply(z, context, false);
  }
}
