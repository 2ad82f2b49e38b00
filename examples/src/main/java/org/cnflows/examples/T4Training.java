package org.cnflows.examples;

import java.io.PrintStream;
import java.util.List;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.flows.ConsoleProgress;
import org.cnflows.flows.Flow;
import org.cnflows.flows.Objective;
import org.cnflows.flows.Trainable;
import org.cnflows.flows.Trainer;
import org.cnflows.flows.TrainingConfig;
import org.cnflows.flows.TrainingListener;

/**
 * The one Adam set-up of every training of the T4 study (nominal flows, residuals, the DOI, the
 * profiling flows): all rows, no validation, the settings' schedule and batch, progress on the
 * console, optionally the mean of the parameters over the last steps.
 */
final class T4Training {

  private T4Training() {}

  /** Adam on all the rows, ending on the last step or on the mean of the last {@code averaged}. */
  static TrainingConfig config(
      int steps,
      double rate,
      int batchSize,
      int averaged,
      T4Study.Settings s,
      long seed,
      PrintStream out) {
    return TrainingConfig.builder()
        .optSteps(steps)
        .optBatchSize(batchSize)
        .optLearningRate(rate)
        .optSchedule(s.schedule())
        .optEvaluateEvery(Math.max(1, steps / 4))
        .optValidationFraction(0)
        .optKeepBest(false)
        .optAverageLast(averaged)
        .optSeed(seed)
        .optListener(out == null ? TrainingListener.NONE : new ConsoleProgress(out))
        .build();
  }

  /** Trains a nominal flow, its last {@link T4Study.Settings#flowAverage()} of steps averaged. */
  static void train(
      Flow flow, FeatureMatrix data, T4Study.Settings s, int steps, long seed, PrintStream out) {
    Trainer.fit(
            flow,
            data,
            config(steps, 1e-3, s.batchSize(), lastSteps(s.flowAverage(), steps), s, seed, out))
        .requireSuccess();
  }

  /** The last steps of a training whose parameters are averaged: a share of its steps. */
  static int lastSteps(double share, int steps) {
    return (int) Math.round(share * steps);
  }

  /** Trains a residual or the DOI (step 1) with Adam, the last {@code averaged} steps averaged. */
  static <T extends Trainable> void train(
      T model,
      Objective<T> objective,
      FeatureMatrix data,
      T4Study.Settings s,
      int steps,
      int averaged,
      double rate,
      long seed,
      PrintStream out) {
    Trainer.train(
            model,
            objective,
            List.of(data),
            config(steps, rate, s.batchSize(), averaged, s, seed, out))
        .requireSuccess();
  }
}
