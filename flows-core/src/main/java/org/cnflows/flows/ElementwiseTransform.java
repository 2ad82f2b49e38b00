package org.cnflows.flows;

import ai.djl.ndarray.NDArray;

/**
 * A strictly increasing map of each feature u_i -> y_i whose shape is set by P parameters per
 * feature, produced by a conditioner (coupling or autoregressive). All-zero parameters give the
 * identity map, so that flows start as the identity.
 *
 * <p>Implementations are immutable records whose fields are their configuration.
 */
public sealed interface ElementwiseTransform
    permits AffineTransform, GatedAffineTransform, QuadraticTransform, SplineTransform {

  /** P, the number of parameters per feature. */
  int paramsPerFeature();

  /**
   * Applies the map.
   *
   * @param u inputs, shape (N, d)
   * @param params parameters, shape (N, d, P)
   * @return y and the sum over features of log dy_i/du_i, shape (N)
   */
  Transformed forward(NDArray u, NDArray params);

  /**
   * Applies the inverse map.
   *
   * @param y inputs, shape (N, d)
   * @param params parameters, shape (N, d, P)
   * @return u and the sum over features of log du_i/dy_i, shape (N)
   */
  Transformed inverse(NDArray y, NDArray params);
}
