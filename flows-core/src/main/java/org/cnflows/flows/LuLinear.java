package org.cnflows.flows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
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
 * constant strictly-lower / strictly-upper 0/1 masks (DJL has no triu/tril); P reorders the rows of
 * L U by a constant index. All parameters start at zero, so the layer starts as z = P x. The
 * inverse x = W^-1 (z - b) inverts W with {@code NDArray.inverse()} (LU with pivoting) in the
 * parameters' precision; W is recomputed on each call, O(D^3) per batch rather than per row. Round
 * trips are limited by the condition number of W times the float32 rounding of z: measured 5e-6 for
 * D = 6 and 7e-5 for D = 28 with off-diagonal entries in +-0.5; inverting in double gains nothing
 * (the rounding of z dominates). The context is ignored.
 */
public final class LuLinear extends Bijection {

  /** The lower bound of the diagonal of U (nflows' eps). */
  public static final double MIN_DIAGONAL = 1e-3;

  private final int[] order;
  private final Parameter rows;
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
    Permutation.inverseOf(this.order); // throws unless order is a permutation
    float[] strictlyLower = new float[d * d];
    float[] strictlyUpper = new float[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        strictlyLower[i * d + j] = j < i ? 1 : 0;
        strictlyUpper[i * d + j] = j > i ? 1 : 0;
      }
    }
    Shape square = new Shape(d, d);
    rows = addParameter(Permutation.index("rows", this.order));
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

  /** The diagonal of U, shape (D), in the given manager. */
  private NDArray upperDiagonal(NDManager manager) {
    return Positive.derivative(Params.local(diagonal, manager), MIN_DIAGONAL);
  }

  /** W = P L U, shape (D, D), computed in the given manager. */
  public NDArray weight(NDManager manager) {
    return weight(manager, upperDiagonal(manager));
  }

  private NDArray weight(NDManager manager, NDArray upperDiagonal) {
    NDArray eye = manager.eye(dim(), dim(), 0, upperDiagonal.getDataType());
    NDArray l = Params.local(lower, manager).mul(lowerMask.getArray()).add(eye);
    NDArray u = Params.local(upper, manager).mul(upperMask.getArray()).add(eye.mul(upperDiagonal));
    return l.matMul(u).get(new NDIndex("{}, :", rows.getArray()));
  }

  @Override
  public Transformed forward(NDArray x, NDArray context) {
    NDArray d = upperDiagonal(x.getManager());
    NDArray z = Linear.linear(x, weight(x.getManager(), d), bias.getArray()).singletonOrThrow();
    return new Transformed(z, LogDets.perRow(x, d.log().sum()));
  }

  @Override
  public Transformed inverse(NDArray z, NDArray context) {
    NDArray d = upperDiagonal(z.getManager());
    NDArray inverse = weight(z.getManager(), d).inverse();
    NDArray x = Linear.linear(z.sub(bias.getArray()), inverse).singletonOrThrow();
    return new Transformed(x, LogDets.perRow(z, d.log().sum().neg()));
  }
}
