package org.cnflows.stats.intervals;

/**
 * A confidence interval [lower, upper] around an estimate; an end that reached the parameter's
 * bound (or the end of a scan) without crossing the threshold is flagged.
 *
 * @param estimate the best-fit value (NaN where a method has none)
 * @param lower the lower end
 * @param upper the upper end
 * @param lowerAtBound whether the lower end is a bound rather than a crossing
 * @param upperAtBound whether the upper end is a bound rather than a crossing
 */
public record Interval(
    double estimate, double lower, double upper, boolean lowerAtBound, boolean upperAtBound) {

  /** Validates lower &lt;= upper. */
  public Interval {
    if (!(lower <= upper)) {
      throw new IllegalArgumentException("interval [" + lower + ", " + upper + "] is empty");
    }
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
