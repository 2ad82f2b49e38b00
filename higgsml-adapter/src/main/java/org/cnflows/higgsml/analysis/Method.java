package org.cnflows.higgsml.analysis;

import org.cnflows.higgsml.EventTable;

/**
 * A way to turn one dataset into (mu-hat, p16, p84): the challenge's {@code predict()} contract
 * that the evaluation scores ({@link EvaluationStage}). The analysis's own method is {@link
 * HiggsMlPredictor} ({@value HiggsMlPredictor#NAME}); the methods it is compared with are in {@link
 * ComparisonStages}. Every method of a run predicts the same pseudo-experiments.
 */
public interface Method extends AutoCloseable {

  /** The method's name on the command line and in reports (e.g. {@code cnf-dnn}). */
  String name();

  /**
   * (mu-hat, p16, p84) of a dataset whose weights are event counts (1 for real or pseudo data).
   *
   * @throws IllegalArgumentException if no event falls in an analysed jet category
   */
  HiggsMlPredictor.Prediction predict(EventTable events);

  /**
   * The events a method's histogram holds (its bins' sum), for a dataset of {@code rows} events.
   *
   * @throws IllegalArgumentException if it holds none: no event of the dataset is in an analysed
   *     jet category, and there is nothing to fit
   */
  static double analysedEvents(double[] histogram, int rows) {
    double total = 0;
    for (double n : histogram) {
      total += n;
    }
    if (total == 0) {
      throw new IllegalArgumentException(
          "none of the " + rows + " events is in jet category 1 or >= 2: nothing to fit");
    }
    return total;
  }

  /** Releases the models the method owns; by default it owns none. */
  @Override
  default void close() {}
}
