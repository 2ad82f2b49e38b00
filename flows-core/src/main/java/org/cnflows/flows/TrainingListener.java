package org.cnflows.flows;

/** Receives the progress of {@link Trainer}; called on the training thread. */
public interface TrainingListener {

  /** A listener that ignores everything. */
  TrainingListener NONE = new TrainingListener() {};

  /** Training starts with at most {@code steps} steps. */
  default void onStart(int steps, long trainableParameters) {}

  /** An evaluation happened after {@code step} steps. */
  default void onEvaluation(Evaluation evaluation, int steps) {}

  /** Training ended. */
  default void onFinish(TrainingResult result) {}

  /**
   * One evaluation.
   *
   * @param step optimizer steps done
   * @param trainLoss mean training loss over the steps since the previous evaluation
   * @param validationLoss loss on the held-out rows (NaN without validation)
   * @param improved whether this is the best criterion so far (validation loss, or training loss
   *     without validation)
   * @param rowsPerSecond training throughput since the previous evaluation (rows of all sources)
   */
  record Evaluation(
      int step, double trainLoss, double validationLoss, boolean improved, double rowsPerSecond) {}
}
