package org.cnflows.stats.toys;

/**
 * Toy T1: the two 2-D Gaussians of Elsharkawy and Kahn (2025), Sec. 5, Eq. (11).
 *
 * <p>Signal N(mu_s, S_s) with mu_s = (-3.25, 2.50), S_s = [[2.58, 2.19], [2.19, 13.06]]; background
 * N(mu_b, S_b) with mu_b = (-0.09, 5.00), S_b = [[3.30, 2.63], [2.63, 14.23]]. The optimal
 * contrastive density of Eq. (10) is p*_c(x) = max(p_s(x) - c p_b(x), 0) / lambda_c; the reference
 * normalizers lambda_c (grid integration) are {@link #LAMBDA_C_REFERENCE} for c in {@link
 * #CONTRASTS}.
 */
public final class ToyT1 {

  /** The signal density. */
  public static final BivariateGaussian SIGNAL =
      new BivariateGaussian(-3.25, 2.50, 2.58, 2.19, 13.06);

  /** The background density. */
  public static final BivariateGaussian BACKGROUND =
      new BivariateGaussian(-0.09, 5.00, 3.30, 2.63, 14.23);

  /** The contrasts c of the seed's Fig. 1. */
  public static final double[] CONTRASTS = {0.5, 1.0, 2.0};

  /** lambda_c = integral of max(p_s - c p_b, 0) for each of {@link #CONTRASTS} (specs/toys.md). */
  public static final double[] LAMBDA_C_REFERENCE = {0.766, 0.645, 0.500};

  private ToyT1() {}
}
