package org.cnflows.flows;

import java.util.List;

/**
 * The outcome of {@link FlowTrainer#train}. The best evaluation is the one with the lowest
 * validation loss (or training loss without validation); the flow holds its parameters if {@link
 * TrainingConfig#keepBest()}, else those of the last step ({@code steps}).
 *
 * @param steps optimizer steps done
 * @param bestStep the step of the best evaluation
 * @param bestValidationLoss the loss at that step (validation, or training without validation)
 * @param stoppedEarly whether early stopping ended the run
 * @param history every evaluation, in order
 * @param seconds wall time
 */
public record TrainingResult(
    int steps,
    int bestStep,
    double bestValidationLoss,
    boolean stoppedEarly,
    List<TrainingListener.Evaluation> history,
    double seconds) {

  /** Copies the history. */
  public TrainingResult {
    history = List.copyOf(history);
  }
}
