package org.cnflows.flows;

import ai.djl.ndarray.NDArray;

/**
 * Affine map of RealNVP (Dinh et al. 2017; Eq. (14) of Elsharkawy and Kahn 2025): y = u exp(s) + t
 * with a soft-clamped log-scale s = L tanh(s' / L), so that |s| < L and the map stays well
 * conditioned; log dy/du = s.
 *
 * @param scaleClamp L, the bound of the log-scale (> 0)
 */
public record AffineTransform(double scaleClamp) implements ElementwiseTransform {

  /** Validates the clamp. */
  public AffineTransform {
    if (!(scaleClamp > 0) || Double.isInfinite(scaleClamp)) {
      throw new IllegalArgumentException("scaleClamp = " + scaleClamp + " must be finite and > 0");
    }
  }

  @Override
  public int paramsPerFeature() {
    return 2;
  }

  static NDArray softClamp(NDArray raw, double bound) {
    return Scalars.times(Scalars.over(raw, bound).tanh(), bound);
  }

  @Override
  public Transformed forward(NDArray u, NDArray params) {
    NDArray[] p = Slices.perFeature(params);
    NDArray s = softClamp(p[0], scaleClamp);
    return new Transformed(u.mul(s.exp()).add(p[1]), s.sum(new int[] {1}));
  }

  @Override
  public Transformed inverse(NDArray y, NDArray params) {
    NDArray[] p = Slices.perFeature(params);
    NDArray s = softClamp(p[0], scaleClamp);
    return new Transformed(y.sub(p[1]).mul(s.neg().exp()), s.sum(new int[] {1}).neg());
  }
}
