package org.cnflows.stats.models;

/**
 * Per-event log-densities ln p_s(x_i) and ln p_b(x_i) of one dataset at one nuisance point. Values
 * may be -infinity (an event outside a process's support) but not NaN or +infinity.
 *
 * @param logSignal ln p_s(x_i), one per event
 * @param logBackground ln p_b(x_i), one per event
 */
public record LogDensities(double[] logSignal, double[] logBackground) {

  /** Validates equal, non-zero lengths and values that are not NaN or +infinity. */
  public LogDensities {
    if (logSignal.length == 0) {
      throw new IllegalArgumentException("empty dataset: no events");
    }
    if (logSignal.length != logBackground.length) {
      throw new IllegalArgumentException(
          "logSignal has " + logSignal.length + " events, logBackground " + logBackground.length);
    }
    check("logSignal", logSignal);
    check("logBackground", logBackground);
  }

  /** Number of events. */
  public int size() {
    return logSignal.length;
  }

  private static void check(String name, double[] v) {
    for (int i = 0; i < v.length; i++) {
      if (Double.isNaN(v[i]) || v[i] == Double.POSITIVE_INFINITY) {
        throw new IllegalArgumentException(
            name + "[" + i + "] = " + v[i] + " is not a log-density");
      }
    }
  }
}
