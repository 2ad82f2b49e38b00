package org.cnflows.stats.internal;

/** Argument checks whose messages name the offending value. */
public final class Checks {

  private Checks() {}

  /** Requires 0 < cl < 1. */
  public static double confidenceLevel(double cl) {
    if (!(cl > 0 && cl < 1)) {
      throw new IllegalArgumentException("confidence level cl = " + cl + " outside (0, 1)");
    }
    return cl;
  }

  /** Requires a finite value. */
  public static double finite(String name, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(name + " = " + value + " is not finite");
    }
    return value;
  }

  /** Requires a non-empty array of finite values. */
  public static double[] finiteArray(String name, double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException(name + " is empty");
    }
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new IllegalArgumentException(name + "[" + i + "] = " + values[i] + " is not finite");
      }
    }
    return values;
  }

  /** Requires a non-empty array of finite, non-negative values. */
  public static double[] nonNegativeArray(String name, double[] values) {
    finiteArray(name, values);
    for (int i = 0; i < values.length; i++) {
      if (values[i] < 0) {
        throw new IllegalArgumentException(name + "[" + i + "] = " + values[i] + " is negative");
      }
    }
    return values;
  }

  /** Requires a strictly increasing, finite array of at least {@code min} values. */
  public static double[] increasing(String name, double[] values, int min) {
    finiteArray(name, values);
    if (values.length < min) {
      throw new IllegalArgumentException(
          name + " has " + values.length + " points, needs at least " + min);
    }
    for (int i = 1; i < values.length; i++) {
      if (!(values[i] > values[i - 1])) {
        throw new IllegalArgumentException(
            name + "[" + i + "] = " + values[i] + " does not exceed " + values[i - 1]);
      }
    }
    return values;
  }

  /** Requires value > 0. */
  public static int positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " = " + value + " is not positive");
    }
    return value;
  }
}
