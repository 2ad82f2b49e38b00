package org.cnflows.flows;

import ai.djl.ndarray.NDArray;

/**
 * A masked autoregressive layer (Papamakarios, Pavlakou and Murray 2017, "Masked Autoregressive
 * Flow", Sec. 3; with a spline transform, the autoregressive neural spline flow of Durkan et al.
 * 2019, Sec. 3.2):
 *
 * <pre>
 *   z_i = f(x_i; theta_i(x_1, ..., x_{i-1}, context)),   log |det dz/dx| = sum_i log f'(x_i; theta_i)
 * </pre>
 *
 * with f any {@link ElementwiseTransform} and theta from a {@link Made}. The Jacobian is
 * triangular, so the forward direction takes one pass of the conditioner; the inverse takes D
 * passes (as nflows does): starting from x = 0, pass k inverts f with the parameters computed from
 * the current x, which makes x_1..x_k exact. Features are taken in their natural order; put a
 * {@link Permutation} between layers to vary it.
 */
public final class MaskedAutoregressive extends Bijection {

  private final ElementwiseTransform transform;
  private final Made conditioner;

  /**
   * @param dim D
   * @param contextDim C (0 for none)
   * @param transform the elementwise map f
   * @param hidden width of the MADE's hidden layers
   * @param residualBlocks number of residual blocks of the MADE, >= 1
   * @param activation the MADE's activation
   * @param seed seed of the initializer
   */
  public MaskedAutoregressive(
      int dim,
      int contextDim,
      ElementwiseTransform transform,
      int hidden,
      int residualBlocks,
      Activation activation,
      long seed) {
    super(dim, contextDim);
    if (transform == null) {
      throw new IllegalArgumentException("transform is null");
    }
    this.transform = transform;
    this.conditioner =
        addChildBlock(
            "made",
            new Made(
                dim,
                contextDim,
                hidden,
                residualBlocks,
                transform.paramsPerFeature(),
                activation,
                seed));
  }

  /** The elementwise map. */
  public ElementwiseTransform transform() {
    return transform;
  }

  @Override
  public Transformed forward(NDArray x, NDArray context) {
    return transform.forward(x, conditioner.apply(x, context));
  }

  @Override
  public Transformed inverse(NDArray z, NDArray context) {
    NDArray x = z.zerosLike();
    Transformed t = null;
    for (int pass = 0; pass < dim(); pass++) {
      t = transform.inverse(z, conditioner.apply(x, context));
      x = t.value();
    }
    return t;
  }
}
