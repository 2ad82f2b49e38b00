package org.cnflows.flows;

import java.util.List;

/**
 * The outcome of {@link FlowTrainer#train}. The flow holds the parameters of the best evaluation
 * (lowest validation loss, or lowest training loss without validation).
 *
 * @param steps optimizer steps done
 * @param bestStep the step whose parameters the flow now holds
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
