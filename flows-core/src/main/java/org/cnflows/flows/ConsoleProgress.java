package org.cnflows.flows;

import java.io.PrintStream;

/**
 * The default progress listener: one line per evaluation with a bar, the losses and the throughput,
 * e.g. {@code [#####.....] step 500/1000 train 2.8310 val 2.8402 * 41k rows/s}; without a
 * validation split the validation column reads {@code val -} and the summary names the training
 * loss, which is then the criterion of "best".
 */
public final class ConsoleProgress implements TrainingListener {

  private static final int WIDTH = 20;
  private final PrintStream out;

  /**
   * @param out where lines go
   */
  public ConsoleProgress(PrintStream out) {
    this.out = out;
  }

  @Override
  public void onStart(int steps, long trainableParameters) {
    out.printf("training: up to %d steps, %,d parameters%n", steps, trainableParameters);
  }

  @Override
  public void onEvaluation(Evaluation e, int steps) {
    int filled = (int) Math.round(WIDTH * (double) e.step() / steps);
    String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
    out.printf(
        "[%s] step %d/%d train %.4f val %s%s %.0f rows/s%n",
        bar,
        e.step(),
        steps,
        e.trainLoss(),
        Double.isNaN(e.validationLoss()) ? "-" : String.format("%.4f", e.validationLoss()),
        e.improved() ? " *" : "  ",
        e.rowsPerSecond());
  }

  @Override
  public void onFinish(TrainingResult r) {
    out.printf(
        "training done: %d steps%s, best %s loss %.4f at step %d, %.1f s%n",
        r.steps(),
        switch (r.status()) {
          case COMPLETED -> "";
          case STOPPED_EARLY -> " (early stop)";
          case DIVERGED -> " (DIVERGED: loss not finite at step " + r.divergedAtStep() + ")";
        },
        validated(r) ? "validation" : "training",
        r.bestValidationLoss(),
        r.bestStep(),
        r.seconds());
  }

  private static boolean validated(TrainingResult r) {
    return r.history().stream().anyMatch(e -> !Double.isNaN(e.validationLoss()));
  }
}
