package org.cnflows.flows;

import ai.djl.ndarray.NDArray;

/**
 * Gated affine map, Eq. (15) of Elsharkawy and Kahn (2025), App. A.2:
 *
 * <pre>
 *   y = g (u exp(s) + t) + (1 - g) u = u (g e^s + 1 - g) + g t,   g = sigmoid(g') in (0, 1)
 * </pre>
 *
 * with the soft-clamped log-scale s = L tanh(s' / L) of {@link AffineTransform}. The slope g e^s +
 * 1 - g lies between min(e^s, 1) and max(e^s, 1), so the map is strictly increasing and log dy/du =
 * log(g e^s + 1 - g) is bounded by L; the inverse is u = (y - g t) / (g e^s + 1 - g). Zero
 * parameters give g = 1/2, s = t = 0: the identity.
 *
 * @param scaleClamp L, the bound of the log-scale (> 0)
 */
public record GatedAffineTransform(double scaleClamp) implements ElementwiseTransform {

  /** Validates the clamp. */
  public GatedAffineTransform {
    if (!(scaleClamp > 0) || Double.isInfinite(scaleClamp)) {
      throw new IllegalArgumentException("scaleClamp = " + scaleClamp + " must be finite and > 0");
    }
  }

  @Override
  public int paramsPerFeature() {
    return 3;
  }

  private NDArray[] slopeAndShift(NDArray params) {
    NDArray[] p = Slices.perFeature(params);
    NDArray s = AffineTransform.softClamp(p[0], scaleClamp);
    NDArray g = ai.djl.nn.Activation.sigmoid(p[2]);
    NDArray one = Scalars.of(s, 1);
    NDArray slope = g.mul(s.exp().sub(one)).add(one);
    NDArray shift = g.mul(p[1]);
    return new NDArray[] {slope, shift};
  }

  @Override
  public Transformed forward(NDArray u, NDArray params) {
    NDArray[] st = slopeAndShift(params);
    return new Transformed(u.mul(st[0]).add(st[1]), st[0].log().sum(new int[] {1}));
  }

  @Override
  public Transformed inverse(NDArray y, NDArray params) {
    NDArray[] st = slopeAndShift(params);
    return new Transformed(y.sub(st[1]).div(st[0]), st[0].log().sum(new int[] {1}).neg());
  }
}
