package org.cnflows.flows;

/**
 * How the optimizer's step size evolves over a training run of T steps, from the base rate lr0.
 *
 * <ul>
 *   <li>{@link #CONSTANT}: lr(t) = lr0.
 *   <li>{@link #COSINE}: lr(t) = lr0 (1 + cos(pi t / T)) / 2 for step t = 0 .. T - 1, cosine
 *       annealing to zero without restarts (Loshchilov and Hutter 2017, Eq. 5 with eta_min = 0; the
 *       schedule of the neural spline flow experiments, Durkan et al. 2019). The final steps are
 *       small, so the last iterate sits near a minimum instead of rattling around it at lr0.
 * </ul>
 */
public enum LearningRateSchedule {
  /** lr(t) = lr0. */
  CONSTANT,
  /** lr(t) = lr0 (1 + cos(pi t / T)) / 2. */
  COSINE;

  /**
   * The step size of step {@code step} (0-based) of {@code steps}.
   *
   * @throws IllegalArgumentException if step is outside [0, steps)
   */
  public double rate(double base, int step, int steps) {
    if (step < 0 || step >= steps) {
      throw new IllegalArgumentException("step " + step + " outside [0, " + steps + ")");
    }
    return this == CONSTANT ? base : base * 0.5 * (1 + Math.cos(Math.PI * step / steps));
  }
}
