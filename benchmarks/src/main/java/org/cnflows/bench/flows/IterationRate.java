package org.cnflows.bench.flows;

/**
 * Counts the calls of a JMH iteration and prints its events/s with the fraction of a {@link
 * GemmBound} it reached, so the JMH benchmarks report their limit like the throughput mains.
 */
public final class IterationRate {

  private final GemmBound bound;
  private long start;
  private long calls;

  /**
   * @param bound the flow's bound, or null when it has no dense layers
   */
  public IterationRate(GemmBound bound) {
    this.bound = bound;
  }

  /** Starts an iteration. */
  public void start() {
    start = System.nanoTime();
    calls = 0;
  }

  /** Counts one benchmark call. */
  public void count() {
    calls++;
  }

  /**
   * Prints the iteration's events/s and its fraction of the bound.
   *
   * @param training compare with the training bound (else the log-density one)
   * @param eventsPerCall events processed by one benchmark call
   */
  public void print(boolean training, double eventsPerCall) {
    double rate = calls * eventsPerCall / ((System.nanoTime() - start) / 1e9);
    if (bound == null) {
      System.out.printf("  %,.0f events/s (no dense layers: no GEMM bound)%n", rate);
      return;
    }
    double limit = training ? bound.trainingEventsPerSecond() : bound.logProbEventsPerSecond();
    System.out.printf(
        "  %,.0f events/s = %.0f%% of the GEMM bound (%,.0f events/s at batch %d)%n",
        rate, 100 * rate / limit, limit, bound.batch());
  }
}
