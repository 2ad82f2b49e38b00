package org.cnflows.flows;

/**
 * The configuration of one layer of a {@link Flow}: what {@link Flow.Builder#add} takes and what a
 * saved flow records, so that loading rebuilds the same architecture. Each record builds its {@link
 * Bijection} for a flow's dimension and context width.
 */
public sealed interface LayerSpec {

  /**
   * Builds the layer.
   *
   * @param dim D
   * @param contextDim C
   * @param seed seed of the layer's initializer
   */
  Bijection build(int dim, int contextDim, long seed);

  /**
   * A {@link Coupling} layer with an MLP conditioner.
   *
   * @param transform the elementwise map of the transformed half
   * @param transformFirst transform the first half (else the second)
   * @param hidden width of the conditioner's hidden layers
   * @param depth number of hidden layers
   * @param activation hidden activation
   */
  record CouplingLayer(
      ElementwiseTransform transform,
      boolean transformFirst,
      int hidden,
      int depth,
      Activation activation)
      implements LayerSpec {
    @Override
    public Bijection build(int dim, int contextDim, long seed) {
      return new Coupling(
          dim, contextDim, transform, transformFirst, hidden, depth, activation, seed);
    }
  }

  /**
   * A fixed {@link Permutation}: the reversal, or a random order drawn from the layer's seed.
   *
   * @param random draw a random order (else reverse)
   */
  record PermutationLayer(boolean random) implements LayerSpec {
    @Override
    public Bijection build(int dim, int contextDim, long seed) {
      return new Permutation(
          random ? Permutation.random(dim, seed) : Permutation.reversed(dim), contextDim);
    }
  }

  /**
   * A {@link MaskedAutoregressive} layer with a {@link Made} conditioner: with a {@link
   * SplineTransform}, the thesis's rational-quadratic autoregressive layer (T3); with an {@link
   * AffineTransform}, a MAF layer.
   *
   * @param transform the elementwise map of each feature
   * @param hidden width of the MADE's hidden layers
   * @param residualBlocks number of residual blocks, >= 1
   * @param activation hidden activation
   */
  record AutoregressiveLayer(
      ElementwiseTransform transform, int hidden, int residualBlocks, Activation activation)
      implements LayerSpec {
    @Override
    public Bijection build(int dim, int contextDim, long seed) {
      return new MaskedAutoregressive(
          dim, contextDim, transform, hidden, residualBlocks, activation, seed);
    }
  }

  /**
   * An {@link LuLinear} layer, z = P L U x + b.
   *
   * @param permute use a random permutation P drawn from the layer's seed (else the identity)
   */
  record LuLinearLayer(boolean permute) implements LayerSpec {
    @Override
    public Bijection build(int dim, int contextDim, long seed) {
      int[] order = permute ? Permutation.random(dim, seed) : Permutation.identity(dim);
      return new LuLinear(order, contextDim);
    }
  }

  /** An {@link ActNorm} layer; initialize it from data with {@link ActNorm#initializeFrom}. */
  record ActNormLayer() implements LayerSpec {
    @Override
    public Bijection build(int dim, int contextDim, long seed) {
      return new ActNorm(dim, contextDim);
    }
  }

  /**
   * A {@link FactorizableResidual}: a residual affine map whose log-scale and shift are sums over
   * the K nuisances (the last K context columns) of linear and damped quadratic terms.
   *
   * @param nuisances K, at most the flow's context width
   * @param crossTerms whether to add the pairwise nu_k nu_l terms
   * @param hidden width of each MADE's hidden layers
   * @param residualBlocks residual blocks of each MADE, >= 1
   * @param activation the MADEs' activation
   * @param scaleClamp the bound of the log-scale
   */
  record FactorizableLayer(
      int nuisances,
      boolean crossTerms,
      int hidden,
      int residualBlocks,
      Activation activation,
      double scaleClamp)
      implements LayerSpec {
    @Override
    public Bijection build(int dim, int contextDim, long seed) {
      return new FactorizableResidual(
          dim,
          contextDim,
          nuisances,
          crossTerms,
          hidden,
          residualBlocks,
          activation,
          scaleClamp,
          seed);
    }
  }
}
