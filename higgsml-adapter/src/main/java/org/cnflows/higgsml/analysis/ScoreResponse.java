package org.cnflows.higgsml.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.Nuisance;
import org.cnflows.higgsml.NuisanceParameters;
import org.cnflows.higgsml.Systematics;
import org.cnflows.higgsml.SystematicsResult;

/**
 * How much the trained analysis's signal-like region moves when tes or jes moves: per +1% of the
 * nuisance, the relative change of the signal and of the background yield with DNN score above a
 * threshold, measured on any weighted events (the synthetic template pool, the real 2025 sample)
 * with the same models, so that the generator's systematic response can be compared with the real
 * data's (issue: "the synthetic data must be as hard as the real task"). The response is the
 * central difference (Y(+1%) - Y(-1%)) / (2 Y(0)); its error treats every event's weight as an
 * independent Poisson count (delta method on the ratio), which is what the real sample's finite
 * size allows.
 */
public final class ScoreResponse {

  private ScoreResponse() {}

  /**
   * One response.
   *
   * @param nuisance "tes" or "jes"
   * @param signal whether it is the signal's yield (else the background's)
   * @param percentPerPercent the relative yield change in % per +1% of the nuisance
   * @param error its standard error
   * @param nominalYield the nominal yield in the region
   */
  public record Row(
      String nuisance,
      boolean signal,
      double percentPerPercent,
      double error,
      double nominalYield) {}

  /** The responses of tes and jes for signal and background, in that order. */
  public static List<Row> measure(
      EventTable events, TemplateStage.Models models, double threshold) {
    boolean[] nominal = region(events, NuisanceParameters.NOMINAL, models, threshold);
    List<Row> rows = new ArrayList<>();
    for (Nuisance n : List.of(Nuisance.TES, Nuisance.JES)) {
      boolean[] up = region(events, shifted(n, 1.01), models, threshold);
      boolean[] down = region(events, shifted(n, 0.99), models, threshold);
      for (boolean signal : new boolean[] {true, false}) {
        double a = 0;
        double b = 0;
        for (int i = 0; i < events.size(); i++) {
          if (events.process(i).isSignal() == signal) {
            double w = events.weights()[i];
            a += w * (indicator(up[i]) - indicator(down[i]));
            b += w * indicator(nominal[i]);
          }
        }
        double r = a / (2 * b);
        double variance = 0;
        for (int i = 0; i < events.size(); i++) {
          if (events.process(i).isSignal() == signal) {
            double w = events.weights()[i];
            double d = (indicator(up[i]) - indicator(down[i])) - 2 * r * indicator(nominal[i]);
            variance += w * w * d * d;
          }
        }
        rows.add(new Row(n.label(), signal, 100 * r, 100 * Math.sqrt(variance) / (2 * b), b));
      }
    }
    return rows;
  }

  /** The comparison of two datasets' responses as a Markdown table. */
  public static String markdown(
      String nameA, List<Row> a, String nameB, List<Row> b, double threshold) {
    StringBuilder s =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "Yield change with DNN score >= %.2f, %% per +1%% of the nuisance:%n%n"
                    + "| nuisance | process | %s | %s | ratio |%n| --- | --- | --- | --- | --- |%n",
                threshold,
                nameA,
                nameB));
    for (int k = 0; k < a.size(); k++) {
      Row x = a.get(k);
      Row y = b.get(k);
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %+.2f +- %.2f | %+.2f +- %.2f | %.2f |%n",
              x.nuisance(),
              x.signal() ? "signal" : "background",
              x.percentPerPercent(),
              x.error(),
              y.percentPerPercent(),
              y.error(),
              x.percentPerPercent() / y.percentPerPercent()));
    }
    return s.toString();
  }

  private static NuisanceParameters shifted(Nuisance n, double value) {
    return n == Nuisance.TES
        ? new NuisanceParameters(value, 1, 0, 1, 1, 1)
        : new NuisanceParameters(1, value, 0, 1, 1, 1);
  }

  /** Per input row, whether the shifted event passes the selection and scores above threshold. */
  private static boolean[] region(
      EventTable events, NuisanceParameters nu, TemplateStage.Models models, double threshold) {
    SystematicsResult shifted = Systematics.apply(events, nu, new SplittableRandom(0));
    TemplateStage.Scored scored = TemplateStage.score(shifted.events(), models);
    boolean[] in = new boolean[events.size()];
    for (int j = 0; j < shifted.keptRows().length; j++) {
      in[shifted.keptRows()[j]] = scored.head()[j] >= 0 && scored.score()[j] >= threshold;
    }
    return in;
  }

  private static int indicator(boolean b) {
    return b ? 1 : 0;
  }
}
