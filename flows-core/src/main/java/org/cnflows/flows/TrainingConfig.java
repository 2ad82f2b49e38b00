package org.cnflows.flows;

import java.nio.file.Path;

/**
 * Settings of {@link Trainer}: Adam (Kingma and Ba 2015) with learning rate, its schedule and
 * betas, batch size, number of steps, validation split, evaluation interval, early stopping, global
 * gradient-norm clipping, whether to end on the best evaluation's parameters or on the average of
 * the last steps' parameters, seed, optional checkpoint directory and a progress listener.
 * Immutable; build with {@link #builder()}.
 *
 * @param learningRate Adam's base step size (> 0)
 * @param schedule how the step size evolves over the {@code steps} steps
 * @param beta1 Adam's first-moment decay, in [0, 1)
 * @param beta2 Adam's second-moment decay, in [0, 1)
 * @param epsilon Adam's denominator offset (> 0)
 * @param batchSize rows per source per step
 * @param steps the maximum number of optimizer steps
 * @param validationFraction share of each source held out for validation, in [0, 1)
 * @param evaluateEvery steps between evaluations (loss check, validation, listener)
 * @param patience evaluations without validation improvement before stopping; 0 disables early
 *     stopping
 * @param clipNorm the maximum global L2 norm of the gradient; 0 disables clipping
 * @param keepBest whether the flow ends with the parameters of the best evaluation (lowest
 *     validation loss, or training loss without validation) rather than those of the last step
 * @param averageLast the number of last steps whose parameters the model ends with the mean of
 *     (Polyak-Ruppert tail averaging); 0 ends with the last step's (or the best evaluation's).
 *     Needs {@code keepBest} false and no early stopping, and at most {@code steps}
 * @param seed seed of the split and of the batch order
 * @param checkpointDir where the best flow is saved at each improvement, or null
 * @param listener receives progress; {@link TrainingListener#NONE} for silence
 */
public record TrainingConfig(
    double learningRate,
    LearningRateSchedule schedule,
    double beta1,
    double beta2,
    double epsilon,
    int batchSize,
    int steps,
    double validationFraction,
    int evaluateEvery,
    int patience,
    double clipNorm,
    boolean keepBest,
    int averageLast,
    long seed,
    Path checkpointDir,
    TrainingListener listener) {

  /** Validates every setting; messages name the value. */
  public TrainingConfig {
    require(learningRate > 0 && Double.isFinite(learningRate), "learningRate", learningRate);
    if (schedule == null) {
      throw new IllegalArgumentException("learning-rate schedule is null");
    }
    require(beta1 >= 0 && beta1 < 1, "beta1", beta1);
    require(beta2 >= 0 && beta2 < 1, "beta2", beta2);
    require(epsilon > 0, "epsilon", epsilon);
    require(batchSize >= 1, "batchSize", batchSize);
    require(steps >= 1, "steps", steps);
    require(
        validationFraction >= 0 && validationFraction < 1,
        "validationFraction",
        validationFraction);
    require(evaluateEvery >= 1, "evaluateEvery", evaluateEvery);
    require(patience >= 0, "patience", patience);
    require(clipNorm >= 0 && Double.isFinite(clipNorm), "clipNorm", clipNorm);
    require(averageLast >= 0 && averageLast <= steps, "averageLast", averageLast);
    if (averageLast > 0 && (keepBest || patience > 0)) {
      throw new IllegalArgumentException(
          "averageLast = "
              + averageLast
              + " averages the last steps of a complete run: it needs keepBest false (is "
              + keepBest
              + ") and patience 0 (is "
              + patience
              + ")");
    }
    if (listener == null) {
      throw new IllegalArgumentException("listener is null; use TrainingListener.NONE");
    }
  }

  /**
   * The fewest rows a data source needs with these settings: at least 2 to train on and, with a
   * validation split, at least one held out (the split holds out round(n * validationFraction)
   * rows, as {@link org.cnflows.common.FeatureMatrix#split} does), so that every source of a
   * multi-source objective is validated.
   */
  public int minimumRows() {
    int n = 2;
    while (!enoughRows(n)) {
      n++;
    }
    return n;
  }

  private boolean enoughRows(int n) {
    long heldOut = Math.round(n * validationFraction);
    return n - heldOut >= 2 && (validationFraction == 0 || heldOut >= 1);
  }

  /**
   * Throws unless a source has {@link #minimumRows()} rows.
   *
   * @param source the source's name in the message (e.g. "source 1", "background")
   * @param rows its number of rows
   * @throws IllegalArgumentException naming the source, its rows and the minimum
   */
  public void checkRows(String source, int rows) {
    if (rows < minimumRows()) {
      throw new IllegalArgumentException(
          source
              + " has "
              + rows
              + (rows == 1 ? " row" : " rows")
              + "; training needs at least "
              + minimumRows()
              + (validationFraction == 0
                  ? ""
                  : " with validationFraction = "
                      + validationFraction
                      + " (2 to train on, 1 held out; optValidationFraction(0) holds none out)"));
    }
  }

  private static void require(boolean ok, String name, double value) {
    if (!ok) {
      throw new IllegalArgumentException(name + " = " + value + " is out of range");
    }
  }

  /** A builder with the CNF paper's optimizer defaults (Adam, lr 1e-3, betas 0.9/0.999). */
  public static Builder builder() {
    return new Builder();
  }

  /** Builder of {@link TrainingConfig}; every setting is optional. */
  public static final class Builder {
    private double learningRate = 1e-3;
    private LearningRateSchedule schedule = LearningRateSchedule.CONSTANT;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-8;
    private int batchSize = 256;
    private int steps = 1000;
    private double validationFraction = 0.1;
    private int evaluateEvery = 100;
    private int patience = 0;
    private double clipNorm = 0;
    private boolean keepBest = true;
    private int averageLast = 0;
    private long seed = 0;
    private Path checkpointDir;
    private TrainingListener listener = new ConsoleProgress(System.out);

    private Builder() {}

    /** Adam's learning rate (default 1e-3). */
    public Builder optLearningRate(double v) {
      learningRate = v;
      return this;
    }

    /**
     * The step-size schedule over the run (default {@link LearningRateSchedule#CONSTANT}; {@link
     * LearningRateSchedule#COSINE} anneals to zero at the last step, as the neural spline flow
     * experiments do).
     */
    public Builder optSchedule(LearningRateSchedule v) {
      schedule = v;
      return this;
    }

    /** Adam's betas (default 0.9, 0.999). */
    public Builder optBetas(double b1, double b2) {
      beta1 = b1;
      beta2 = b2;
      return this;
    }

    /** Adam's epsilon (default 1e-8). */
    public Builder optEpsilon(double v) {
      epsilon = v;
      return this;
    }

    /** Rows per source per step (default 256). */
    public Builder optBatchSize(int v) {
      batchSize = v;
      return this;
    }

    /** Maximum optimizer steps (default 1000). */
    public Builder optSteps(int v) {
      steps = v;
      return this;
    }

    /** Held-out share of each source (default 0.1; 0 trains on everything). */
    public Builder optValidationFraction(double v) {
      validationFraction = v;
      return this;
    }

    /** Steps between evaluations (default 100). */
    public Builder optEvaluateEvery(int v) {
      evaluateEvery = v;
      return this;
    }

    /** Early stopping after this many evaluations without improvement (default 0: off). */
    public Builder optPatience(int v) {
      patience = v;
      return this;
    }

    /** Global gradient-norm clip (default 0: off). */
    public Builder optClipNorm(double v) {
      clipNorm = v;
      return this;
    }

    /**
     * Whether to restore the parameters of the best evaluation at the end (default true); with
     * false the flow keeps the parameters of the last step. Choose false when the criterion cannot
     * rank evaluations: a clamped loss (the contrastive loss at its clamp k) ties every evaluation
     * that reaches k with the first one, so "best" would be an early flow.
     */
    public Builder optKeepBest(boolean v) {
      keepBest = v;
      return this;
    }

    /**
     * End with the mean of the parameters after each of the last {@code v} steps (default 0: off;
     * needs {@link #optKeepBest optKeepBest(false)}). At a constant small step size the iterates of
     * a stochastic gradient scatter about the optimum by the batch noise and their mean scatters
     * less (Polyak and Juditsky 1992); after a step size annealed to zero the last iterate is
     * already such a mean (on T4's step 2 the average of the last half changed the estimates by <
     * 0.0006, flows-profiling/README.md).
     */
    public Builder optAverageLast(int v) {
      averageLast = v;
      return this;
    }

    /** Seed of the split and batch order (default 0). */
    public Builder optSeed(long v) {
      seed = v;
      return this;
    }

    /** Save the best flow here at each improvement (default: no checkpoints). */
    public Builder optCheckpointDir(Path v) {
      checkpointDir = v;
      return this;
    }

    /** Progress listener (default: {@link ConsoleProgress} on standard output). */
    public Builder optListener(TrainingListener v) {
      listener = v;
      return this;
    }

    /** Validates and builds. */
    public TrainingConfig build() {
      return new TrainingConfig(
          learningRate,
          schedule,
          beta1,
          beta2,
          epsilon,
          batchSize,
          steps,
          validationFraction,
          evaluateEvery,
          patience,
          clipNorm,
          keepBest,
          averageLast,
          seed,
          checkpointDir,
          listener);
    }
  }
}
