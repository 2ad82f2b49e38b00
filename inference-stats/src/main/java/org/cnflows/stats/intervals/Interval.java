package org.cnflows.stats.intervals;

/**
 * A confidence interval [lower, upper] around an estimate; an end that reached the parameter's
 * bound (or the end of a scan) without crossing the threshold is flagged, and so is an estimate
 * that the construction could not place or an end it could not find ({@link Status}).
 *
 * @param estimate the best-fit value (NaN where a method has none)
 * @param lower the lower end
 * @param upper the upper end
 * @param lowerAtBound whether the lower end is a bound rather than a crossing
 * @param upperAtBound whether the upper end is a bound rather than a crossing
 * @param status whether the estimate lay inside the construction's range and the ends were found
 */
public record Interval(
    double estimate,
    double lower,
    double upper,
    boolean lowerAtBound,
    boolean upperAtBound,
    Status status) {

  /** Where the estimate lay relative to the construction that inverted it. */
  public enum Status {
    /** The construction accepts the estimate: the ends are crossings or flagged bounds. */
    INSIDE,
    /**
     * A Neyman belt's estimate below lo(mu) at every grid point: no mu on the grid accepts it; the
     * interval is the single grid point where lo(mu) is lowest, the belt edge nearest to it.
     */
    BELOW_BELT,
    /**
     * A Neyman belt's estimate above hi(mu) at every grid point: no mu on the grid accepts it; the
     * interval is the single grid point where hi(mu) is highest, the belt edge nearest to it.
     */
    ABOVE_BELT,
    /**
     * A profile-likelihood end lies in a region where the likelihood is NaN (or -infinity): the
     * flagged end is the edge of the region where it is defined, not a crossing, and the true end
     * is unknown ({@link ProfileLikelihood#intervalAt}).
     */
    NON_FINITE_NLL
  }

  /** Validates lower &lt;= upper and a status. */
  public Interval {
    if (!(lower <= upper)) {
      throw new IllegalArgumentException("interval [" + lower + ", " + upper + "] is empty");
    }
    if (status == null) {
      throw new IllegalArgumentException("interval [" + lower + ", " + upper + "] has no status");
    }
  }

  /** An interval whose estimate the construction accepted ({@link Status#INSIDE}). */
  public Interval(
      double estimate, double lower, double upper, boolean lowerAtBound, boolean upperAtBound) {
    this(estimate, lower, upper, lowerAtBound, upperAtBound, Status.INSIDE);
  }

  /** upper - lower. */
  public double width() {
    return upper - lower;
  }

  /** The asymmetric error below the estimate, estimate - lower. */
  public double minusError() {
    return estimate - lower;
  }

  /** The asymmetric error above the estimate, upper - estimate. */
  public double plusError() {
    return upper - estimate;
  }

  /** Whether lower &lt;= x &lt;= upper. */
  public boolean contains(double x) {
    return lower <= x && x <= upper;
  }
}
