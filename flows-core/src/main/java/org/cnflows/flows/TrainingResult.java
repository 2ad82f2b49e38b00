package org.cnflows.flows;

import java.util.List;

/**
 * The outcome of a {@link Trainer} run. The best evaluation is the one with the lowest validation
 * loss (or training loss without validation); the model holds its parameters if {@link
 * TrainingConfig#keepBest()}, else those of the last step ({@code steps}). A run whose loss became
 * NaN or infinite ends with {@link Status#DIVERGED} and names the first such step, as a fit reports
 * its status: the caller decides whether that is an error ({@link #requireSuccess()}).
 *
 * @param status how the run ended
 * @param steps optimizer steps done
 * @param bestStep the step of the best evaluation (0 if none was finite)
 * @param bestValidationLoss the loss at that step (validation, or training without validation)
 * @param divergedAtStep the first step whose loss was not finite, 0 unless {@link Status#DIVERGED}
 * @param history every evaluation, in order
 * @param seconds wall time
 */
public record TrainingResult(
    Status status,
    int steps,
    int bestStep,
    double bestValidationLoss,
    int divergedAtStep,
    List<TrainingListener.Evaluation> history,
    double seconds) {

  /** How a run ended. */
  public enum Status {
    /** All configured steps ran. */
    COMPLETED,
    /** Early stopping ended the run (no improvement for {@link TrainingConfig#patience()}). */
    STOPPED_EARLY,
    /** The loss became NaN or infinite at {@link #divergedAtStep()}; training stopped there. */
    DIVERGED
  }

  /** Copies the history and checks the status against the step. */
  public TrainingResult {
    if (status == null) {
      throw new IllegalArgumentException("status is null");
    }
    if ((status == Status.DIVERGED) != (divergedAtStep > 0)) {
      throw new IllegalArgumentException(
          "status " + status + " with divergedAtStep = " + divergedAtStep);
    }
    history = List.copyOf(history);
  }

  /** Whether early stopping ended the run. */
  public boolean stoppedEarly() {
    return status == Status.STOPPED_EARLY;
  }

  /**
   * This result, unless the run diverged.
   *
   * @throws IllegalStateException naming the step where the loss stopped being finite
   */
  public TrainingResult requireSuccess() {
    if (status == Status.DIVERGED) {
      throw new IllegalStateException(
          "training loss stopped being finite at step "
              + divergedAtStep
              + " of "
              + steps
              + " done; lower the learning rate, clip gradients (optClipNorm) or check the data");
    }
    return this;
  }
}
