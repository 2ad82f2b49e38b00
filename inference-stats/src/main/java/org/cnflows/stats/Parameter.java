package org.cnflows.stats;

import java.util.Optional;

/**
 * A named, bounded model parameter: initial value, bounds {@code [lower, upper]} (infinite
 * allowed), fixed or floating, and an optional {@link Constraint} whose -ln pi is added to every
 * likelihood over it. Immutable; the {@code with...} methods return modified copies.
 *
 * @param name the unique name
 * @param initial the starting value of fits (and the value while fixed), inside the bounds
 * @param lower the lower bound
 * @param upper the upper bound, above {@code lower}
 * @param fixed whether fits keep the parameter at {@code initial}
 * @param constraint the prior constraint, if any
 */
public record Parameter(
    String name,
    double initial,
    double lower,
    double upper,
    boolean fixed,
    Optional<Constraint> constraint) {

  /** Validates the name, the bounds and that the initial value lies within them. */
  public Parameter {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("parameter name '" + name + "' is blank");
    }
    if (Double.isNaN(lower) || Double.isNaN(upper) || !(lower < upper)) {
      throw new IllegalArgumentException(
          name + " bounds [" + lower + ", " + upper + "] are not an interval");
    }
    if (constraint == null) {
      throw new IllegalArgumentException(name + " constraint is null; use Optional.empty()");
    }
    checkInside(name, initial, lower, upper);
  }

  /** A floating, unconstrained parameter. */
  public static Parameter of(String name, double initial, double lower, double upper) {
    return new Parameter(name, initial, lower, upper, false, Optional.empty());
  }

  /** A floating parameter with a Gaussian constraint N(center, width^2), starting at center. */
  public static Parameter gaussian(
      String name, double center, double width, double lower, double upper) {
    return new Parameter(
        name, center, lower, upper, false, Optional.of(new Constraint.Gaussian(center, width)));
  }

  /** A copy starting at (or fixed to) {@code value}. */
  public Parameter withInitial(double value) {
    return new Parameter(name, value, lower, upper, fixed, constraint);
  }

  /** A copy fixed at {@code value}. */
  public Parameter fixedAt(double value) {
    return new Parameter(name, value, lower, upper, true, constraint);
  }

  /** A floating copy. */
  public Parameter floating() {
    return new Parameter(name, initial, lower, upper, false, constraint);
  }

  /** A copy with the given constraint. */
  public Parameter withConstraint(Constraint c) {
    return new Parameter(name, initial, lower, upper, fixed, Optional.of(c));
  }

  /** Throws if {@code value} lies outside the bounds (or is NaN). */
  public void checkInside(double value) {
    checkInside(name, value, lower, upper);
  }

  /** The constraint term -ln pi(value), 0 without a constraint. */
  public double constraintNll(double value) {
    return constraint.map(c -> c.nll(value)).orElse(0.0);
  }

  private static void checkInside(String name, double value, double lower, double upper) {
    if (!(value >= lower && value <= upper)) {
      throw new IllegalArgumentException(
          name + " = " + value + " outside its bounds [" + lower + ", " + upper + "]");
    }
  }
}
