package org.cnflows.stats;

/** How a fit ended; a failed fit is reported here, never thrown. */
public enum FitStatus {
  /** The minimizer converged and the Hessian is positive definite. */
  CONVERGED,
  /** The evaluation budget ran out; values are the best point seen. */
  MAX_EVALUATIONS,
  /** The minimizer stopped on a numerical failure (e.g. BOBYQA could not reduce its model). */
  MINIMIZER_FAILED,
  /** The likelihood was not finite at the best point. */
  NON_FINITE_NLL,
  /**
   * The minimizer converged but the Hessian is not positive definite (a negative curvature, or a
   * variance that is not finite and positive after inversion): no covariance.
   */
  HESSIAN_NOT_POSITIVE_DEFINITE,
  /**
   * The minimizer converged but the NLL is not finite at a point of the finite-difference stencil
   * around the minimum (e.g. a NaN region next to it), so the curvature is unknown: no covariance.
   */
  NON_FINITE_HESSIAN,
  /**
   * The minimizer converged but along some floating parameter the NLL changes by no more than the
   * fitter's tolerance (or its rounding) over the stencil, up to a quarter of the parameter's
   * range: the curvature is zero as far as the fit can tell and the error unbounded. No covariance.
   */
  ZERO_CURVATURE;

  /** Whether values and covariance are usable. */
  public boolean isValid() {
    return this == CONVERGED;
  }

  /**
   * Whether the minimizer converged, so the values are the minimum even if the covariance is not
   * usable (a minimum on a bound has no curvature there): what a point estimate needs, e.g. a
   * Neyman belt's mu-hat.
   */
  public boolean minimumFound() {
    return this == CONVERGED
        || this == HESSIAN_NOT_POSITIVE_DEFINITE
        || this == NON_FINITE_HESSIAN
        || this == ZERO_CURVATURE;
  }
}
