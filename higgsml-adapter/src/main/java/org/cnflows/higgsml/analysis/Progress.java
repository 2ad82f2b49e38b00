package org.cnflows.higgsml.analysis;

import java.io.PrintStream;
import java.util.Locale;
import org.cnflows.flows.TrainingListener;
import org.cnflows.flows.TrainingResult;

/**
 * A text progress bar with the rate and the time to go, for the analysis's long loops (training
 * steps, template grid points, toys, pseudo-experiments). One line per tenth of the work or per 10
 * seconds, whichever comes first, so a log file stays short and a terminal still sees it move.
 */
public final class Progress {

  private static final long MIN_GAP_NANOS = 10_000_000_000L;
  private static final int BAR = 20;

  private final PrintStream out;
  private final String label;
  private final long total;
  private final long start = System.nanoTime();
  private long done;
  private long lastPrinted = start;
  private int lastTenth;

  /**
   * @param out where the lines go
   * @param label what is counted, e.g. "pseudo-experiments"
   * @param total how many units the work has
   * @throws IllegalArgumentException if total &lt; 1
   */
  public Progress(PrintStream out, String label, long total) {
    if (total < 1) {
      throw new IllegalArgumentException(label + ": total = " + total + " must be >= 1");
    }
    this.out = out;
    this.label = label;
    this.total = total;
  }

  /** One more unit done. */
  public synchronized void step() {
    advanceTo(done + 1);
  }

  /** {@code units} done in all (never more than the total, never backwards). */
  public synchronized void advanceTo(long units) {
    done = Math.max(done, Math.min(units, total));
    long now = System.nanoTime();
    int tenth = (int) (10 * done / total);
    if (tenth > lastTenth || now - lastPrinted >= MIN_GAP_NANOS || done == total) {
      if (done == total && lastTenth == 10) {
        return;
      }
      lastTenth = tenth;
      lastPrinted = now;
      out.println(line(now));
    }
  }

  /**
   * A listener that advances this bar with the trainer's steps over consecutive training runs of
   * {@code stepsPerRun} steps each (the bar's total is their sum).
   */
  public TrainingListener trainingListener(int stepsPerRun) {
    return new TrainingListener() {
      private long finished;

      @Override
      public void onEvaluation(Evaluation evaluation, int steps) {
        advanceTo(finished + evaluation.step());
      }

      @Override
      public void onFinish(TrainingResult result) {
        finished += stepsPerRun;
        advanceTo(finished);
      }
    };
  }

  String line(long now) {
    double elapsed = (now - start) / 1e9;
    int filled = (int) (BAR * done / total);
    String eta = done == 0 ? "?" : done == total ? "done" : clock(elapsed * (total - done) / done);
    return String.format(
        Locale.ROOT,
        "      %s [%s%s] %3d%% %d/%d, %s elapsed, ETA %s",
        label,
        "#".repeat(filled),
        ".".repeat(BAR - filled),
        100 * done / total,
        done,
        total,
        clock(elapsed),
        eta);
  }

  static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
