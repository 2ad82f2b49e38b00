package org.cnflows.flows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import org.cnflows.flows.internal.Positive;

/**
 * The quadratic coupling of Eq. (16) of Elsharkawy and Kahn (2025), y = a/2 u^2 + b u + c, made a
 * bijection of R.
 *
 * <p>As written in the paper the map is not monotone on R for a != 0. Here it is used on [-B, B]
 * only, with a and b derived from the slopes d0 at -B and d1 at +B: a = (d1 - d0) / (2B), b = (d0 +
 * d1) / 2, so that the slope a u + b interpolates linearly between d0 > 0 and d1 > 0 and is
 * positive on the whole interval. Outside, the map continues linearly with slope d0 (left) or d1
 * (right), so it is C^1 and strictly increasing on R. With uc = clamp(u, -B, B) the slope is a uc +
 * b everywhere. The slopes are d = m + softplus(.) > m (m the minimum derivative), equal to 1 at
 * zero parameters; the third parameter is the shift c.
 *
 * <p>The inverse on [y(-B), y(B)] uses the cancellation-free root u = 2 (y - c) / (b + sqrt(b^2 + 2
 * a (y - c))), whose denominator is at least b > 0; the discriminant, equal to (a u + b)^2 >= 0 in
 * exact arithmetic, is clamped at 0 against rounding.
 *
 * @param bound B, the half-width of the quadratic region (> 0)
 * @param minDerivative m, the lower bound of the slopes, in [0, 1)
 */
public record QuadraticTransform(double bound, double minDerivative)
    implements ElementwiseTransform {

  /** Validates the configuration. */
  public QuadraticTransform {
    if (!(bound > 0) || Double.isInfinite(bound)) {
      throw new IllegalArgumentException("bound = " + bound + " must be finite and > 0");
    }
    Positive.checkMinimum("minDerivative", minDerivative, 1);
  }

  @Override
  public int paramsPerFeature() {
    return 3;
  }

  /** The end slopes d0, d1, the shift c and the coefficients a, b of y = a/2 u^2 + b u + c. */
  private record Coefficients(NDArray d0, NDArray d1, NDArray c, NDArray a, NDArray b) {}

  private Coefficients coefficients(NDArray params) {
    NDArray[] p = Slices.perFeature(params);
    NDArray d0 = Positive.derivative(p[0], minDerivative);
    NDArray d1 = Positive.derivative(p[1], minDerivative);
    return new Coefficients(
        d0, d1, p[2], Scalars.over(d1.sub(d0), 2 * bound), Scalars.over(d0.add(d1), 2));
  }

  @Override
  public Transformed forward(NDArray u, NDArray params) {
    Coefficients q = coefficients(params);
    NDArray d0 = q.d0(), d1 = q.d1(), c = q.c(), a = q.a(), b = q.b();
    NDArray uc = u.clip(-bound, bound);
    NDArray tailSlope = NDArrays.where(u.gt(Scalars.of(u, 0)), d1, d0);
    NDArray y = Scalars.times(a, 0.5).mul(uc).add(b).mul(uc).add(c).add(tailSlope.mul(u.sub(uc)));
    NDArray logSlope = a.mul(uc).add(b).log();
    return new Transformed(y, logSlope.sum(new int[] {1}));
  }

  @Override
  public Transformed inverse(NDArray y, NDArray params) {
    Coefficients q = coefficients(params);
    NDArray d0 = q.d0(), d1 = q.d1(), c = q.c(), a = q.a(), b = q.b();
    NDArray halfASquare = Scalars.times(a, 0.5 * bound * bound);
    NDArray bB = Scalars.times(b, bound);
    NDArray low = c.sub(bB).add(halfASquare);
    NDArray high = c.add(bB).add(halfASquare);
    NDArray yc = NDArrays.minimum(NDArrays.maximum(y, low), high);
    NDArray w = yc.sub(c);
    NDArray root = Scalars.atLeast(b.square().add(Scalars.times(a.mul(w), 2)), 0).sqrt();
    NDArray uc = Scalars.times(w, 2).div(b.add(root));
    NDArray tailSlope = NDArrays.where(y.gt(c), d1, d0);
    NDArray u = uc.add(y.sub(yc).div(tailSlope));
    NDArray logSlope = a.mul(uc).add(b).log();
    return new Transformed(u, logSlope.sum(new int[] {1}).neg());
  }
}
