package org.cnflows.higgsml.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.SyntheticGenerator;
import org.cnflows.stats.intervals.NeymanBelt;
import org.cnflows.stats.models.BinnedTemplateNll;
import org.junit.jupiter.api.Test;

/**
 * The six stages end to end at a tiny scale and 1 fb^-1 (events from the synthetic generator, CNFs
 * of 2 couplings, a 2 x 32 DNN, a 3 x 3 template grid of 10 bins per category, a belt of 9 mu
 * values x 40 toys, 2 sets x 4 pseudo-experiments): the pipeline's invariants, not its physics.
 * Every pseudo-experiment is fitted and read off the belt, the report's figures are consistent with
 * the outcomes, and the same seeds give the same outcomes.
 */
class AnalysisPipelineTest {

  @Test
  void eventsBecomeIntervalsAndAReportDeterministically() {
    try (TinyModels tiny = new TinyModels(31)) {
      TemplateStage.Models models = tiny.models;
      double lumi = 0.1;
      BinnedTemplateNll model =
          TemplateStage.build(
              SyntheticGenerator.generate(SyntheticGenerator.Config.balanced(32, 3000))
                  .withWeightsScaled(lumi),
              models,
              TemplateStage.Config.square(0.97, 1.03, 3, 10, 6));
      NeymanBelt belt =
          BeltStage.build(
              model,
              new BeltStage.Config(
                  new double[] {0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4}, 40, 0.6827, 7, 2));
      assertThat(belt.failedToys()).containsOnly(0);
      EventTable test =
          SyntheticGenerator.generate(SyntheticGenerator.Config.balanced(33, 3000))
              .withWeightsScaled(lumi);
      EvaluationStage.Config config = new EvaluationStage.Config(2, 4, 9);
      List<EvaluationStage.Outcome> outcomes =
          EvaluationStage.run(test, models, model, belt, 10, config);
      assertThat(outcomes).hasSize(8);
      for (EvaluationStage.Outcome o : outcomes) {
        System.out.printf(
            "set %d mu %.3f: %d events, fit %s, mu-hat %.3f [%.3f, %.3f] %s%n",
            o.set(),
            o.trueMu(),
            o.events(),
            o.fit(),
            o.interval().estimate(),
            o.interval().lower(),
            o.interval().upper(),
            o.interval().status());
      }
      for (EvaluationStage.Outcome o : outcomes) {
        assertThat(o.trueMu()).isBetween(0.1, 3.0);
        assertThat(o.events()).isBetween(90_000, 120_000);
        assertThat(o.fit()).isNotNull();
        assertThat(o.interval().estimate()).isBetween(0.0, 6.0);
        assertThat(o.interval().lower()).isLessThanOrEqualTo(o.interval().upper());
      }
      assertThat(outcomes.get(0).trueMu()).isEqualTo(outcomes.get(3).trueMu());
      assertThat(outcomes.get(0).trueMu()).isNotEqualTo(outcomes.get(4).trueMu());
      EvaluationStage.Report report = EvaluationStage.report(outcomes, 100, 3);
      long covered = outcomes.stream().filter(EvaluationStage.Outcome::covers).count();
      assertThat(report.pooled().coverage()).isEqualTo(covered / 8.0);
      assertThat(report.perSet()).hasSize(2);
      System.out.printf(
          "tiny pipeline: coverage %.3f, mean width %.3f, RMSE %.3f, score %.3f%n",
          report.pooled().coverage(), report.pooled().width(), report.rmse(), report.score());
      assertThat(EvaluationStage.run(test, models, model, belt, 10, config)).isEqualTo(outcomes);
    }
  }
}
