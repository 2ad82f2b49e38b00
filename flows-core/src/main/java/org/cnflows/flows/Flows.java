package org.cnflows.flows;

import java.util.ArrayList;
import java.util.List;

/**
 * Ready-made flow architectures. Each returns a {@link Flow.Builder} with the layers added, so the
 * seed and device can still be set.
 */
public final class Flows {

  private Flows() {}

  /**
   * RealNVP (Dinh et al. 2017): affine couplings with soft-clamped log-scales (clamp 3),
   * alternating the transformed half.
   *
   * @param dim D
   * @param context C
   * @param layers number of coupling layers
   * @param hidden conditioner width
   * @param depth conditioner hidden layers
   */
  public static Flow.Builder realNvp(int dim, int context, int layers, int hidden, int depth) {
    return alternating(
        dim, context, layers, i -> new AffineTransform(3), hidden, depth, Activation.RELU);
  }

  /**
   * Neural spline flow with coupling layers (Durkan et al. 2019): rational-quadratic splines with K
   * bins on [-B, B] and linear tails, alternating the transformed half.
   */
  public static Flow.Builder neuralSplineCoupling(
      int dim, int context, int layers, int bins, double bound, int hidden, int depth) {
    return alternating(
        dim, context, layers, i -> SplineTransform.of(bins, bound), hidden, depth, Activation.RELU);
  }

  /**
   * The CNF paper's stack (Elsharkawy and Kahn 2025, App. A.2): 30 coupling layers alternating the
   * gated affine map of Eq. (15) (even layers) and the quadratic map of Eq. (16) (odd layers, made
   * monotone by {@link QuadraticTransform} with bound 5), each with its own conditioner of 5 hidden
   * layers of 64 GELU units.
   */
  public static Flow.Builder contrastivePaper(int dim, int context) {
    return gatedQuadratic(dim, context, 30, 64, 5);
  }

  /**
   * The CNF paper's architecture at any size: {@code layers} couplings alternating gated affine
   * (Eq. 15, log-scale clamp 3) and monotone quadratic (Eq. 16, bound 5) maps, GELU conditioners.
   */
  public static Flow.Builder gatedQuadratic(
      int dim, int context, int layers, int hidden, int depth) {
    return alternating(
        dim,
        context,
        layers,
        i -> i % 2 == 0 ? new GatedAffineTransform(3) : new QuadraticTransform(5, 1e-3),
        hidden,
        depth,
        Activation.GELU);
  }

  /**
   * A masked autoregressive flow (Papamakarios et al. 2017; with splines, the autoregressive neural
   * spline flow of Durkan et al. 2019): {@code layers} autoregressive layers with MADE
   * conditioners, each followed by a random permutation except the last.
   *
   * @param dim D
   * @param context C
   * @param layers number of autoregressive layers
   * @param transform the elementwise map ({@link AffineTransform} gives MAF, {@link
   *     SplineTransform} NSF)
   * @param hidden MADE width
   * @param residualBlocks MADE residual blocks
   * @param activation MADE activation
   */
  public static Flow.Builder autoregressive(
      int dim,
      int context,
      int layers,
      ElementwiseTransform transform,
      int hidden,
      int residualBlocks,
      Activation activation) {
    if (layers < 1) {
      throw new IllegalArgumentException("layers = " + layers + " must be at least 1");
    }
    Flow.Builder builder = Flow.builder().setDim(dim).optContext(context);
    for (int i = 0; i < layers; i++) {
      builder.add(new LayerSpec.AutoregressiveLayer(transform, hidden, residualBlocks, activation));
      if (i < layers - 1) {
        builder.add(new LayerSpec.PermutationLayer(true));
      }
    }
    return builder;
  }

  /**
   * The flow of the thesis's T3 study (Sluijter, Sec. 3.2.2): 4 masked piecewise rational-quadratic
   * autoregressive layers with 64 hidden features, 10 bins, tail bound 7, linear tails, 2 residual
   * blocks, ReLU and random permutations, conditioned on the nuisance z.
   */
  public static Flow.Builder thesisSpline(int dim, int context) {
    return autoregressive(dim, context, 4, SplineTransform.of(10, 7), 64, 2, Activation.RELU);
  }

  private static Flow.Builder alternating(
      int dim,
      int context,
      int layers,
      java.util.function.IntFunction<ElementwiseTransform> transform,
      int hidden,
      int depth,
      Activation activation) {
    if (layers < 1) {
      throw new IllegalArgumentException("layers = " + layers + " must be at least 1");
    }
    List<LayerSpec> specs = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      boolean first = dim == 1 || i % 2 == 1;
      specs.add(new LayerSpec.CouplingLayer(transform.apply(i), first, hidden, depth, activation));
    }
    return Flow.builder().setDim(dim).optContext(context).addAll(specs);
  }
}
