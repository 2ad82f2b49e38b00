package org.cnflows.flows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import org.cnflows.flows.internal.Params;
import org.cnflows.flows.internal.Positive;

/**
 * An invertible linear map with an LU-factorized weight (Kingma and Dhariwal 2018, "Glow", Sec.
 * 3.2; nflows' {@code LULinear}):
 *
 * <pre>
 *   z = W x + b,   W = P L U,   log |det dz/dx| = sum_i log u_ii
 * </pre>
 *
 * with P a fixed permutation, L unit lower triangular and U upper triangular with diagonal u_ii = m
 * + softplus(r_i + log(exp(1 - m) - 1)) > m = {@value #MIN_DIAGONAL} ({@link Positive}), so W is
 * invertible for any parameters. The off-diagonal entries are full (D, D) parameters multiplied by
 * constant strictly-lower / strictly-upper 0/1 masks (DJL has no triu/tril). All parameters start
 * at zero, so the layer starts as z = P x. The inverse x = W^-1 (z - b) inverts W with {@code
 * NDArray.inverse()} (LU with pivoting) in the parameters' precision; W is recomputed on each call,
 * O(D^3) per batch rather than per row. Round trips are limited by the condition number of W times
 * the float32 rounding of z: measured 5e-6 for D = 6 and 7e-5 for D = 28 with off-diagonal entries
 * in +-0.5; inverting in double gains nothing (the rounding of z dominates). The context is
 * ignored.
 */
public final class LuLinear extends Bijection {

  /** The lower bound of the diagonal of U (nflows' eps). */
  public static final double MIN_DIAGONAL = 1e-3;

  private final int[] order;
  private final Parameter permutation;
  private final Parameter lowerMask;
  private final Parameter upperMask;
  private final Parameter lower;
  private final Parameter upper;
  private final Parameter diagonal;
  private final Parameter bias;

  /**
   * @param order the permutation P, (P v)_i = v_{order[i]}: a permutation of 0..D-1
   * @param contextDim C (ignored by the map; kept so the layer fits any flow)
   */
  public LuLinear(int[] order, int contextDim) {
    super(order.length, contextDim);
    int d = order.length;
    this.order = order.clone();
    Permutation.inverseOf(this.order);
    float[] p = new float[d * d];
    float[] strictlyLower = new float[d * d];
    float[] strictlyUpper = new float[d * d];
    for (int i = 0; i < d; i++) {
      p[i * d + order[i]] = 1;
      for (int j = 0; j < d; j++) {
        strictlyLower[i * d + j] = j < i ? 1 : 0;
        strictlyUpper[i * d + j] = j > i ? 1 : 0;
      }
    }
    Shape square = new Shape(d, d);
    permutation = addParameter(Params.constant("permutation", p, square));
    lowerMask = addParameter(Params.constant("lowerMask", strictlyLower, square));
    upperMask = addParameter(Params.constant("upperMask", strictlyUpper, square));
    lower = addParameter(Params.zeros("lower", Parameter.Type.WEIGHT, square));
    upper = addParameter(Params.zeros("upper", Parameter.Type.WEIGHT, square));
    diagonal = addParameter(Params.zeros("diagonal", Parameter.Type.WEIGHT, new Shape(d)));
    bias = addParameter(Params.zeros("bias", Parameter.Type.BIAS, new Shape(d)));
  }

  /** The permutation P, order[i] = index of the input feature that row i of P selects. */
  public int[] order() {
    return order.clone();
  }

  /** The diagonal of U, shape (D). */
  private NDArray upperDiagonal() {
    return Positive.derivative(diagonal.getArray(), MIN_DIAGONAL);
  }

  /** log |det W| = sum_i log u_ii, a scalar. */
  private NDArray logDiagonalSum() {
    return upperDiagonal().log().sum();
  }

  /** W = P L U, shape (D, D), in the parameters' manager. */
  public NDArray weight() {
    NDManager manager = lower.getArray().getManager();
    NDArray eye = manager.eye(dim()).toType(lower.getArray().getDataType(), false);
    NDArray l = lower.getArray().mul(lowerMask.getArray()).add(eye);
    NDArray u = upper.getArray().mul(upperMask.getArray()).add(eye.mul(upperDiagonal()));
    return permutation.getArray().matMul(l).matMul(u);
  }

  @Override
  public Transformed forward(NDArray x, NDArray context) {
    NDArray z = Linear.linear(x, weight(), bias.getArray()).singletonOrThrow();
    return new Transformed(z, LogDets.perRow(x, logDiagonalSum()));
  }

  @Override
  public Transformed inverse(NDArray z, NDArray context) {
    NDArray x = Linear.linear(z.sub(bias.getArray()), weight().inverse()).singletonOrThrow();
    return new Transformed(x, LogDets.perRow(z, logDiagonalSum().neg()));
  }
}
