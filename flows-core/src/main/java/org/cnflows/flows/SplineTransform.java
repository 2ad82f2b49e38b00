package org.cnflows.flows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.cnflows.flows.internal.Positive;

/**
 * Monotone rational-quadratic spline with linear tails (Durkan, Bekasov, Murray and Papamakarios
 * 2019, "Neural Spline Flows", Sec. 3.1, after Gregory and Delbourgo 1982).
 *
 * <p>On [-B, B] the map interpolates K + 1 knots (x_k, y_k) with derivatives d_k; outside it is the
 * identity, and d_0 = d_K = 1 makes the map C^1 at +-B. Bin widths and heights come from a softmax
 * of the first 2K parameters, each at least the minimum bin width/height; the K - 1 inner
 * derivatives are m + softplus(.) with m the minimum derivative, equal to 1 at zero parameters
 * (zero parameters give the identity). In bin k, with theta = (u - x_k) / w_k and s_k = h_k / w_k:
 *
 * <pre>
 *   y = y_k + h_k (s_k theta^2 + d_k theta (1 - theta)) / (s_k + (d_{k+1} + d_k - 2 s_k) theta (1 - theta))
 *   dy/du = s_k^2 (d_{k+1} theta^2 + 2 s_k theta (1 - theta) + d_k (1 - theta)^2) / denominator^2
 * </pre>
 *
 * The inverse solves the quadratic a theta^2 + b theta + c = 0 for the root theta = 2c / (-b -
 * sqrt(b^2 - 4ac)) (Eq. 6 and App. A of the paper), discriminant clamped at 0 against rounding.
 * That form cancels for negative b (a flat bin next to a steep knot derivative): there the same
 * root is taken as (-b + sqrt(b^2 - 4ac)) / (2a), the classical stable pair of quadratic roots.
 * Inputs are clamped into [-B, B] before the spline arithmetic and the identity is selected outside
 * with {@code where}, so values far outside (e.g. +-1e6) give finite outputs and gradients. The bin
 * is found without {@code searchsorted} by counting inner knots <= u.
 *
 * @param bins K, the number of bins (>= 2)
 * @param bound B, the tail bound (> 0)
 * @param minBinWidth minimum width of a bin as a fraction of 2B, in [0, 1/K)
 * @param minBinHeight minimum height of a bin as a fraction of 2B, in [0, 1/K)
 * @param minDerivative minimum inner derivative, in [0, 1)
 */
public record SplineTransform(
    int bins, double bound, double minBinWidth, double minBinHeight, double minDerivative)
    implements ElementwiseTransform {

  /** nflows' defaults for the minimum bin width, height and derivative. */
  public static final double DEFAULT_MIN = 1e-3;

  /** Validates the configuration. */
  public SplineTransform {
    if (bins < 2) {
      throw new IllegalArgumentException("bins = " + bins + " must be at least 2");
    }
    if (!(bound > 0) || Double.isInfinite(bound)) {
      throw new IllegalArgumentException("bound = " + bound + " must be finite and > 0");
    }
    Positive.checkMinimum("minBinWidth", minBinWidth, 1.0 / bins);
    Positive.checkMinimum("minBinHeight", minBinHeight, 1.0 / bins);
    Positive.checkMinimum("minDerivative", minDerivative, 1);
  }

  /** A spline with nflows' default minima. */
  public static SplineTransform of(int bins, double bound) {
    return new SplineTransform(bins, bound, DEFAULT_MIN, DEFAULT_MIN, DEFAULT_MIN);
  }

  @Override
  public int paramsPerFeature() {
    return 3 * bins - 1;
  }

  /** Knot positions -B = k_0 < ... < k_K = B from softmax logits, shape (N, d, K + 1). */
  private NDArray knots(NDArray logits, double minFraction) {
    NDArray fractions =
        Scalars.times(logits.softmax(2), 1 - minFraction * bins)
            .add(Scalars.of(logits, minFraction));
    NDArray cumulative = fractions.cumSum(2);
    Shape edge = new Shape(logits.getShape().get(0), logits.getShape().get(1), 1);
    NDArray zeros = logits.getManager().zeros(edge, logits.getDataType());
    NDArray ones = logits.getManager().ones(edge, logits.getDataType());
    NDArray inner = Slices.widths(cumulative, 2, bins - 1, 1).get(0);
    return Scalars.times(
            NDArrays.concat(new ai.djl.ndarray.NDList(zeros, inner, ones), 2), 2 * bound)
        .sub(Scalars.of(logits, bound));
  }

  /** The bin geometry gathered at each input's bin. */
  private record Bin(NDArray x, NDArray w, NDArray y, NDArray h, NDArray d0, NDArray d1) {
    NDArray slope() {
      return h.div(w);
    }
  }

  private Bin bin(NDArray params, NDArray value, boolean byHeight) {
    NDList parts = Slices.widths(params, 2, bins, bins, bins - 1);
    NDArray xk = knots(parts.get(0), minBinWidth);
    NDArray yk = knots(parts.get(1), minBinHeight);
    NDArray inner = Positive.derivative(parts.get(2), minDerivative);
    Shape edge = new Shape(params.getShape().get(0), params.getShape().get(1), 1);
    NDArray one = params.getManager().ones(edge, params.getDataType());
    NDArray dk = NDArrays.concat(new ai.djl.ndarray.NDList(one, inner, one), 2);

    NDArray knots = byHeight ? yk : xk;
    NDArray innerKnots = Slices.widths(knots, 2, 1, bins - 1, 1).get(1);
    NDArray index =
        value.expandDims(2).gte(innerKnots).toType(DataType.INT64, false).sum(new int[] {2});
    NDArray at = index.expandDims(2);
    NDArray next = at.add(Scalars.of(at, 1));
    NDArray x0 = xk.gather(at, 2).squeeze(2);
    NDArray y0 = yk.gather(at, 2).squeeze(2);
    return new Bin(
        x0,
        xk.gather(next, 2).squeeze(2).sub(x0),
        y0,
        yk.gather(next, 2).squeeze(2).sub(y0),
        dk.gather(at, 2).squeeze(2),
        dk.gather(next, 2).squeeze(2));
  }

  /** log dy/du at theta in the bin. */
  private static NDArray logSlope(Bin b, NDArray theta) {
    NDArray s = b.slope();
    NDArray t1 = theta.mul(theta.neg().add(Scalars.of(theta, 1)));
    NDArray denominator = b.d1().add(b.d0()).sub(Scalars.times(s, 2)).mul(t1).add(s);
    NDArray numerator =
        b.d1()
            .mul(theta.square())
            .add(Scalars.times(s, 2).mul(t1))
            .add(b.d0().mul(theta.neg().add(Scalars.of(theta, 1)).square()))
            .mul(s.square());
    return numerator.log().sub(Scalars.times(denominator.log(), 2));
  }

  @Override
  public Transformed forward(NDArray u, NDArray params) {
    NDArray inside = u.gte(Scalars.of(u, -bound)).logicalAnd(u.lte(Scalars.of(u, bound)));
    NDArray uc = u.clip(-bound, bound);
    Bin b = bin(params, uc, false);
    NDArray s = b.slope();
    NDArray theta = uc.sub(b.x()).div(b.w());
    NDArray t1 = theta.mul(theta.neg().add(Scalars.of(theta, 1)));
    NDArray numerator = b.h().mul(s.mul(theta.square()).add(b.d0().mul(t1)));
    NDArray denominator = b.d1().add(b.d0()).sub(Scalars.times(s, 2)).mul(t1).add(s);
    NDArray y = b.y().add(numerator.div(denominator));
    NDArray logDet = logSlope(b, theta);
    return new Transformed(
        NDArrays.where(inside, y, u),
        NDArrays.where(inside, logDet, logDet.zerosLike()).sum(new int[] {1}));
  }

  @Override
  public Transformed inverse(NDArray y, NDArray params) {
    NDArray inside = y.gte(Scalars.of(y, -bound)).logicalAnd(y.lte(Scalars.of(y, bound)));
    NDArray yc = y.clip(-bound, bound);
    Bin b = bin(params, yc, true);
    NDArray s = b.slope();
    NDArray dy = yc.sub(b.y());
    NDArray curvature = b.d1().add(b.d0()).sub(Scalars.times(s, 2));
    NDArray qa = b.h().mul(s.sub(b.d0())).add(dy.mul(curvature));
    NDArray qb = b.h().mul(b.d0()).sub(dy.mul(curvature));
    NDArray qc = s.mul(dy).neg();
    NDArray discriminant = Scalars.atLeast(qb.square().sub(Scalars.times(qa.mul(qc), 4)), 0);
    // q = -(b + sign(b) sqrt(disc)) / 2 adds terms of equal sign; the root in [0, 1] is c / q for
    // b >= 0 and q / a for b < 0. Unused branches divide by 1 so their gradients stay finite.
    NDArray nonNegative = qb.gte(Scalars.of(qb, 0));
    NDArray root = discriminant.sqrt();
    NDArray q = Scalars.times(NDArrays.where(nonNegative, qb.add(root), qb.sub(root)), -0.5);
    NDArray one = q.onesLike();
    NDArray theta =
        NDArrays.where(
                nonNegative,
                qc.div(NDArrays.where(nonNegative, q, one)),
                q.div(NDArrays.where(nonNegative, one, qa)))
            .clip(0, 1);
    NDArray u = theta.mul(b.w()).add(b.x());
    NDArray logDet = logSlope(b, theta).neg();
    return new Transformed(
        NDArrays.where(inside, u, y),
        NDArrays.where(inside, logDet, logDet.zerosLike()).sum(new int[] {1}));
  }
}
