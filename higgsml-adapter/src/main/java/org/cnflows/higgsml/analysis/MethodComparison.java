package org.cnflows.higgsml.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cnflows.stats.coverage.HiggsMlScore;

/**
 * The CNF paper's Table 2 for the methods of a run, all scored on the same pseudo-experiments:
 * score, mean interval, coverage, RMSE and runtime per method, pooled and per set, with the
 * bootstrap over sets of the score, the coverage and the width, and the paper's numbers beside ours
 * where the paper has the method.
 *
 * @param rows one per method, in the run's order
 */
public record MethodComparison(List<Row> rows) {

  /** Copies the rows. */
  public MethodComparison {
    rows = List.copyOf(rows);
  }

  /**
   * One method's figures.
   *
   * @param method its name
   * @param report coverage, width, RMSE, score and their bootstrap
   * @param seconds its runtime: the compute time of its own stages (those it shares with another
   *     method counted for each) plus its predictions of every pseudo-experiment (their generation
   *     excluded)
   * @param predictSeconds the predictions' part of it
   */
  public record Row(
      String method, EvaluationStage.Report report, double seconds, double predictSeconds) {}

  /**
   * A row of the paper's Table 2 (10 x 100 pseudo-experiments at 10 fb^-1, runtimes on a 4xA100
   * node).
   *
   * @param label the paper's name of the method
   * @param score the score
   * @param interval the mean interval
   * @param coverage the coverage
   * @param rmse the RMSE of mu-hat
   * @param minutes the runtime
   */
  public record Paper(
      String label, double score, double interval, double coverage, double rmse, double minutes) {}

  /** The paper's Table 2 by the name of our method that implements it. */
  public static final Map<String, Paper> PAPER =
      Map.of(
          HiggsMlPredictor.NAME,
          new Paper("CNF+DNN (this paper)", 0.823, 0.438, 0.672, 0.191, 5.0),
          "mle-nu",
          new Paper("MLE with nu_i", 0.001, 0.998, 0.701, 0.575, 41.0),
          Baseline.NAME,
          new Paper("Baseline MLE for mu only", -11.152, 1.34, 0.431, 1.575, 3.0));

  /**
   * The comparison of a run's outcomes.
   *
   * @param outcomes every pseudo-experiment with each method's prediction
   * @param predictions per method, its predictions (for their time)
   * @param stageSeconds the run's stage times
   * @param bootstrapResamples resamples of the bootstrap over sets
   * @param seed the bootstrap's seed (the same resamples for every method)
   */
  public static MethodComparison of(
      List<EvaluationStage.Outcome> outcomes,
      Map<String, EvaluationStage.Predictions> predictions,
      Map<String, Double> stageSeconds,
      int bootstrapResamples,
      long seed) {
    List<Row> rows = new ArrayList<>();
    predictions.forEach(
        (method, p) -> {
          double seconds = p.seconds();
          for (String stage : ComparisonStages.stagesOf(method)) {
            seconds += stageSeconds.getOrDefault(stage, 0.0);
          }
          rows.add(
              new Row(
                  method,
                  EvaluationStage.report(outcomes, method, bootstrapResamples, seed),
                  seconds,
                  p.seconds()));
        });
    return new MethodComparison(rows);
  }

  /** The row of a method. */
  public Row row(String method) {
    return rows.stream()
        .filter(r -> r.method().equals(method))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("method '" + method + "' was not run"));
  }

  /**
   * The comparison as Markdown: the pooled Table 2 with the paper's numbers, each other method's
   * width and coverage against the analysis's in bootstrap standard deviations, and the per-set
   * figures.
   */
  public String markdown() {
    StringBuilder b =
        new StringBuilder(
            "| method | score (bootstrap) | mean interval (bootstrap) | coverage (bootstrap) | RMSE"
                + " | runtime (s) | paper: score / interval / coverage / RMSE / runtime (min) |\n"
                + "| --- | --- | --- | --- | --- | --- | --- |\n");
    for (Row r : rows) {
      EvaluationStage.Report t = r.report();
      Paper p = PAPER.get(r.method());
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %.3f (%.3f +- %.3f) | %.3f (+- %.3f) | %.3f (+- %.3f) | %.3f | %.1f (predict"
                  + " %.1f) | %s |%n",
              r.method(),
              t.score(),
              t.bootstrap().mean(),
              t.bootstrap().std(),
              t.pooled().width(),
              t.widthBootstrap().std(),
              t.pooled().coverage(),
              t.coverageBootstrap().std(),
              t.rmse(),
              r.seconds(),
              r.predictSeconds(),
              p == null
                  ? "-"
                  : String.format(
                      Locale.ROOT,
                      "%s: %.3f / %.3f / %.3f / %.3f / %.1f",
                      p.label(),
                      p.score(),
                      p.interval(),
                      p.coverage(),
                      p.rmse(),
                      p.minutes())));
    }
    int n = rows.get(0).report().pooled().size();
    double[] band = HiggsMlScore.band(n);
    b.append(
        String.format(
            Locale.ROOT,
            "%nCoverage band of %d pseudo-experiments (2 sigma68): [%.3f, %.3f].%n",
            n,
            band[0],
            band[1]));
    Row own = rows.get(0);
    for (Row r : rows.subList(1, rows.size())) {
      b.append(
          String.format(
              Locale.ROOT,
              "%s against %s: width %.3f vs %.3f (difference %.1f bootstrap sigma), coverage %.3f"
                  + " vs %.3f (%.1f sigma).%n",
              own.method(),
              r.method(),
              own.report().pooled().width(),
              r.report().pooled().width(),
              sigmas(own.report().widthBootstrap(), r.report().widthBootstrap()),
              own.report().pooled().coverage(),
              r.report().pooled().coverage(),
              sigmas(own.report().coverageBootstrap(), r.report().coverageBootstrap())));
    }
    b.append("\n| set | method | coverage | mean width | RMSE | score |\n");
    b.append("| --- | --- | --- | --- | --- | --- |\n");
    for (int s = 0; s < own.report().perSet().size(); s++) {
      for (Row r : rows) {
        HiggsMlScore.Set set = r.report().perSet().get(s);
        b.append(
            String.format(
                Locale.ROOT,
                "| %d (mu = %.3f) | %s | %.3f | %.3f | %.3f | %.3f |%n",
                s,
                set.truth()[0],
                r.method(),
                set.coverage(),
                set.width(),
                r.report().perSetRmse().get(s),
                HiggsMlScore.score(set, HiggsMlScore.DEFAULT_EPS)));
      }
    }
    return b.toString();
  }

  /**
   * The difference of two bootstrap means in units of their standard deviations combined in
   * quadrature (the sets of the two methods are the same, so this ignores their correlation).
   */
  private static double sigmas(HiggsMlScore.Bootstrap a, HiggsMlScore.Bootstrap b) {
    return (a.mean() - b.mean()) / Math.sqrt(a.std() * a.std() + b.std() * b.std());
  }
}
