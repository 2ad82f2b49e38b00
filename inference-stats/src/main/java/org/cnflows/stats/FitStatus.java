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
  /** The minimizer converged but the Hessian is not positive definite: no covariance. */
  HESSIAN_NOT_POSITIVE_DEFINITE;

  /** Whether values and covariance are usable. */
  public boolean isValid() {
    return this == CONVERGED;
  }
}
