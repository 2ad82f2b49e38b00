package org.cnflows.flows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.Arrays;
import java.util.List;

/**
 * The factorizable normalizing-flow layer of Valsecchi, Donega and Wallny (arXiv 2602.13184, Fig.
 * 2; seed 004, "Factorizable Normalizing Flow"): a residual map of the features conditioned on K
 * nuisance parameters nu, the last K columns of the context, whose dependence on nu is a sum of one
 * term per nuisance:
 *
 * <pre>
 *   z_d = x_d exp(s_d) + t_d,
 *   s_d = sum_k [A_dk nu_k + 0.01 B_dk nu_k^2] (+ sum_{k &lt; l} 0.01 C_dkl nu_k nu_l),
 *   t_d = sum_k [A'_dk nu_k + 0.01 B'_dk nu_k^2] (+ sum_{k &lt; l} 0.01 C'_dkl nu_k nu_l),
 *   log |det dz/dx| = sum_d s_d
 * </pre>
 *
 * The coefficients of nuisance k come from its own {@link Made} (4 outputs per feature) that sees
 * x_{&lt;d} and the conditioning context (the first C - K columns), never nu; with cross terms, one
 * more MADE per pair (2 outputs per feature). At nu = 0 the layer is exactly the identity whatever
 * its weights, and with the MADEs' zero-initialized output layers a new layer is the identity at
 * every nu. Because each nuisance has its own network, the layer can learn one nuisance at a time
 * from templates with that nuisance at +-1 sigma and the others nominal, and compose them (the
 * "factorization"). The damping 0.01 of the quadratic terms is the reference's. The scale enters
 * through {@link AffineTransform} (soft clamp |s| &lt; L, about the identity for |s| &lt;&lt; L).
 * The Jacobian is triangular: forward takes one pass per network, the inverse D passes, as {@link
 * MaskedAutoregressive}.
 */
public final class FactorizableResidual extends Bijection {

  /** The damping of the quadratic and cross terms. */
  public static final double QUADRATIC_DAMPING = 0.01;

  private final int nuisances;
  private final AffineTransform affine;
  private final Made[] single;
  private final Made[] pairs;
  private final int[][] pairIndices;

  /**
   * @param dim D
   * @param contextDim C, the conditioning context followed by the K nuisances (C >= K)
   * @param nuisances K >= 1
   * @param crossTerms whether to add the pairwise terms nu_k nu_l
   * @param hidden width of each MADE's hidden layers
   * @param residualBlocks residual blocks of each MADE, >= 1
   * @param activation the MADEs' activation
   * @param scaleClamp L, the bound of |s|
   * @param seed seed of the initializers
   */
  public FactorizableResidual(
      int dim,
      int contextDim,
      int nuisances,
      boolean crossTerms,
      int hidden,
      int residualBlocks,
      Activation activation,
      double scaleClamp,
      long seed) {
    super(dim, contextDim);
    if (nuisances < 1 || nuisances > contextDim) {
      throw new IllegalArgumentException(
          "nuisances = "
              + nuisances
              + " must be in [1, contextDim = "
              + contextDim
              + "]: the nuisances are the last columns of the context");
    }
    this.nuisances = nuisances;
    this.affine = new AffineTransform(scaleClamp);
    int conditioning = contextDim - nuisances;
    single = new Made[nuisances];
    for (int k = 0; k < nuisances; k++) {
      single[k] =
          addChildBlock(
              "nu" + k,
              new Made(dim, conditioning, hidden, residualBlocks, 4, activation, seed + 101L * k));
    }
    int count = crossTerms ? nuisances * (nuisances - 1) / 2 : 0;
    pairs = new Made[count];
    pairIndices = new int[count][];
    int p = 0;
    for (int k = 0; k < nuisances && crossTerms; k++) {
      for (int l = k + 1; l < nuisances; l++) {
        pairIndices[p] = new int[] {k, l};
        pairs[p] =
            addChildBlock(
                "nu" + k + "x" + l,
                new Made(
                    dim,
                    conditioning,
                    hidden,
                    residualBlocks,
                    2,
                    activation,
                    seed + 7919L * (p + 1)));
        p++;
      }
    }
  }

  /** K, the number of nuisances (the last K context columns). */
  public int nuisances() {
    return nuisances;
  }

  /**
   * The affine parameters (N, D, 2): the log-scale before the soft clamp and the shift t, in {@link
   * AffineTransform}'s order.
   */
  NDArray parameters(NDArray x, NDArray context) {
    int conditioning = contextDim() - nuisances;
    int first = conditioning == 0 ? 0 : 1;
    long[] widths = new long[first + nuisances];
    Arrays.fill(widths, 1);
    if (first == 1) {
      widths[0] = conditioning;
    }
    NDList columns = Slices.widths(context, 1, widths);
    NDArray condition = first == 0 ? null : columns.get(0);
    List<NDArray> nu = columns.subList(first, columns.size());
    NDArray s = null;
    NDArray t = null;
    for (int k = 0; k < nuisances; k++) {
      NDArray nuK = nu.get(k);
      NDArray powers = NDArrays.concat(new NDList(nuK, damped(nuK.square())), 1).expandDims(1);
      NDArray out = single[k].apply(x, condition);
      NDList halves = Slices.widths(out, 2, 2, 2);
      NDArray sK = halves.get(0).mul(powers).sum(new int[] {2});
      NDArray tK = halves.get(1).mul(powers).sum(new int[] {2});
      s = s == null ? sK : s.add(sK);
      t = t == null ? tK : t.add(tK);
    }
    for (int p = 0; p < pairs.length; p++) {
      int k = pairIndices[p][0];
      int l = pairIndices[p][1];
      NDArray product = damped(nu.get(k).mul(nu.get(l)));
      NDArray[] out = Slices.perFeature(pairs[p].apply(x, condition));
      s = s.add(out[0].mul(product));
      t = t.add(out[1].mul(product));
    }
    return NDArrays.stack(new NDList(s, t), 2);
  }

  private static NDArray damped(NDArray v) {
    return Scalars.times(v, QUADRATIC_DAMPING);
  }

  @Override
  public Transformed forward(NDArray x, NDArray context) {
    return affine.forward(x, parameters(x, context));
  }

  @Override
  public Transformed inverse(NDArray z, NDArray context) {
    NDArray x = z.zerosLike();
    Transformed t = null;
    for (int pass = 0; pass < dim(); pass++) {
      t = affine.inverse(z, parameters(x, context));
      x = t.value();
    }
    return t;
  }
}
