package org.cnflows.examples;

import java.io.PrintStream;
import java.util.List;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.flows.ConsoleProgress;
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

  /** Rows per step of the finishing phase, at most (the data's rows if fewer). */
  static final int FINISH_BATCH = 65_536;

  /** The step size the finishing phase starts at. */
  static final double FINISH_RATE = 3e-5;

  /**
   * Trains a simulation flow, a nominal flow or a residual: Adam, its last {@link
   * T4Study.Settings#flowAverage()} of steps averaged, then the {@link #finish}ing phase.
   */
  static <T extends Trainable> void trainSimulationFlow(
      T model,
      Objective<T> objective,
      FeatureMatrix rows,
      T4Study.Settings s,
      int steps,
      double rate,
      long seed,
      PrintStream out) {
    train(model, objective, rows, s, steps, lastSteps(s.flowAverage(), steps), rate, seed, out);
    if (s.flowFinish() > 0) {
      Trainer.train(model, objective, List.of(rows), finish(rows.size(), s, seed, out))
          .requireSuccess();
    }
  }

  /**
   * The finishing phase of a simulation flow: {@link T4Study.Settings#flowFinish()} steps of up to
   * {@link #FINISH_BATCH} rows from a step size of {@link #FINISH_RATE}. Adam's last batches of
   * 1,024 rows leave the parameters where their noise put them, and a flow fitted to a Gaussian
   * then misplaces its mean by enough to move nu: with 10,000,000 simulated events the nominal
   * flow's part of the learned kinematics' offset was -0.0054 / +0.0042 (0.6 / 0.4 sigma(x) at
   * 100,000 data events), 400 such steps brought it to +0.0003 / +0.0011 (the simulated events' own
   * Gaussians: -0.0009 / +0.0016), and with the residual finished too the learned kinematics were
   * within 0.001 of the true x-only fit (seed 1; on seed 2 the finished nominal flow sat on the
   * Gaussians too, and the residual kept -0.0027 on nu_shift; flows-profiling/MEASUREMENTS.md).
   *
   * @param rows the rows of the training data
   */
  private static TrainingConfig finish(int rows, T4Study.Settings s, long seed, PrintStream out) {
    if (out != null) {
      out.printf(
          "finishing: %d steps of %d rows from a step size of %.0e%n",
          s.flowFinish(), Math.min(FINISH_BATCH, rows), FINISH_RATE);
    }
    return config(
        s.flowFinish(), FINISH_RATE, Math.min(FINISH_BATCH, rows), 0, s, seed + 1000, out);
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
