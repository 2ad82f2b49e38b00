package org.cnflows.higgsml.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The six stages end to end on the smoke preset ({@link HiggsMlAnalysis.Config#smoke}: synthetic
 * events, CNFs of 2 couplings, a 2 x 32 DNN, a 3 x 3 template grid of 10 bins per category, a belt
 * of 13 mu values x 40 toys, 2 sets x 4 pseudo-experiments at 1 fb^-1): the pipeline's invariants,
 * not its physics. Every pseudo-experiment is fitted and read off the belt, the report's figures
 * are consistent with the outcomes, and the same seed gives the same results.
 *
 * <p>At this scale the intervals are wide (about 3 at 1 fb^-1) but they are honest: the templates
 * come from 3 simulated events per expected event and every test pseudo-experiment is fresh from
 * the generator ({@link SyntheticExperiments}). With templates from 3000 events per process and
 * pseudo-experiments resampled from another 12,000 (each event repeated about 8 times), the two
 * samples' fluctuations in the signal-like bins differed by more than the signal and mu-hat ran to
 * its bound in 6 of 8 pseudo-experiments (coverage 0 before, 7 of 8 after). A rerun adds the
 * comparison methods (their smoke test: each predicts every pseudo-experiment), and a third run
 * with fewer methods reuses their cached stages.
 */
class AnalysisPipelineTest {

  @Test
  void theSmokePresetTurnsEventsIntoIntervalsAndAReportDeterministically(@TempDir Path dir)
      throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
    HiggsMlAnalysis.Config config = HiggsMlAnalysis.Config.smoke(7);
    HiggsMlAnalysis.Result result = HiggsMlAnalysis.run(config, null, Device.cpu(), out, dir);
    System.out.print(log.toString(StandardCharsets.UTF_8));
    System.out.print(result.markdown());
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("[1/6] data", "[2/6] CNFs", "[3/6]", "[4/6]", "[5/6]", "[6/6]");
    assertThat(result.outcomes()).hasSize(8);
    for (EvaluationStage.Outcome o : result.outcomes()) {
      assertThat(o.trueMu()).isBetween(0.1, 3.0);
      assertThat(o.events()).isBetween(90_000, 120_000);
      assertThat(o.prediction().fit()).isNotNull();
      // mu floats in [-muMax, muMax] (no point mass on 0); the belt's grid, so the interval, is >=
      // 0
      assertThat(o.prediction().muHat()).isBetween(-6.0, 6.0);
      assertThat(o.prediction().p16()).isGreaterThanOrEqualTo(0.0);
      assertThat(o.prediction().p16()).isLessThanOrEqualTo(o.prediction().p84());
    }
    assertThat(result.outcomes().get(0).trueMu()).isEqualTo(result.outcomes().get(3).trueMu());
    assertThat(result.outcomes().get(0).trueMu()).isNotEqualTo(result.outcomes().get(4).trueMu());
    long covered = result.outcomes().stream().filter(EvaluationStage.Outcome::covers).count();
    assertThat(result.report().pooled().coverage()).isEqualTo(covered / 8.0);
    assertThat(result.report().perSet()).hasSize(2);
    assertThat(result.seconds())
        .containsOnlyKeys("data", "cnfs", "classifier", "templates", "belt", "evaluation");
    assertThat(result.markdown()).contains("| pooled | 8 |");
    assertThat(result.cached()).isEmpty();

    // the same seed computed afresh reproduces the table
    HiggsMlAnalysis.Result again =
        HiggsMlAnalysis.run(
            config, null, Device.cpu(), new PrintStream(new ByteArrayOutputStream()));
    assertThat(again.outcomes()).isEqualTo(result.outcomes());
    assertThat(again.table()).isEqualTo(result.table());

    // a rerun in the output directory with other test sets and the comparison methods reuses
    // every stage of the analysis before them; every method predicts the same pseudo-experiments
    ByteArrayOutputStream rerunLog = new ByteArrayOutputStream();
    HiggsMlAnalysis.Result rerun =
        HiggsMlAnalysis.run(
            config.withEvaluation(2, 2),
            null,
            Device.cpu(),
            new PrintStream(rerunLog, true, StandardCharsets.UTF_8),
            dir,
            "one-syst, counting,baseline");
    assertThat(rerun.cached())
        .containsExactlyInAnyOrder("data", "cnfs", "classifier", "templates", "belt");
    assertThat(rerunLog.toString(StandardCharsets.UTF_8))
        .contains("evaluation: settings changed since");
    assertThat(rerun.outcomes()).hasSize(4);
    assertThat(rerun.outcomes().get(0).prediction()).isEqualTo(first(result).prediction());
    assertThat(rerun.outcomes().get(0).seed()).isEqualTo(first(result).seed());
    assertThat(rerun.comparison().rows())
        .extracting(MethodComparison.Row::method)
        .containsExactly("cnf-dnn", "baseline", "counting", "one-syst");
    for (EvaluationStage.Outcome o : rerun.outcomes()) {
      for (HiggsMlPredictor.Prediction p : o.predictions().values()) {
        assertThat(p.muHat()).isFinite();
        assertThat(p.p16()).isLessThanOrEqualTo(p.p84());
      }
      assertThat(o.prediction("baseline").belt()).isNotNull();
      assertThat(o.prediction("counting").fit()).isNull();
      assertThat(o.prediction("one-syst").fit()).isNotNull();
    }
    for (MethodComparison.Row row : rerun.comparison().rows()) {
      long hits = rerun.outcomes().stream().filter(o -> o.covers(row.method())).count();
      assertThat(row.report().pooled().coverage()).isEqualTo(hits / 4.0);
      assertThat(row.seconds()).isGreaterThanOrEqualTo(row.predictSeconds()).isPositive();
    }
    assertThat(rerun.markdown()).contains("| counting |", "Baseline MLE for mu only: -11.152");

    // one method fewer: everything, its evaluation included, is reused
    HiggsMlAnalysis.Result third =
        HiggsMlAnalysis.run(
            config.withEvaluation(2, 2),
            null,
            Device.cpu(),
            new PrintStream(new ByteArrayOutputStream()),
            dir,
            "counting");
    assertThat(third.cached())
        .contains("plain-classifier", "counting", "evaluation", "evaluation-counting")
        .doesNotContain("plain-templates", "baseline-belt");
    assertThat(third.outcomes().get(3).prediction("counting"))
        .isEqualTo(rerun.outcomes().get(3).prediction("counting"));

    // the saved analysis predicts what the evaluation scored
    EvaluationStage.Outcome first = first(result);
    try (HiggsMlPredictor saved = HiggsMlPredictor.load(dir, Device.cpu())) {
      HiggsMlPredictor.Prediction p =
          saved.predict(
              HiggsMlAnalysis.experiments(config, null)
                  .generate(first.trueMu(), first.nuisances(), first.seed())
                  .events());
      assertThat(p).isEqualTo(first.prediction());
    }
  }

  private static EvaluationStage.Outcome first(HiggsMlAnalysis.Result result) {
    return result.outcomes().get(0);
  }
}
