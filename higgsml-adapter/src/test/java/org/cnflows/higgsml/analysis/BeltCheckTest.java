package org.cnflows.higgsml.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.cnflows.higgsml.PhysicsProcess;
import org.cnflows.stats.intervals.NeymanBelt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeltCheckTest {

  @Test
  void quantileAndItsOrderStatisticInterval() {
    double[] sorted = new double[101];
    for (int i = 0; i < sorted.length; i++) {
      sorted[i] = i;
    }
    double[] q = BeltCheck.quantileWithInterval(sorted, 0.16);
    assertThat(q[0]).isEqualTo(16.0);
    // 1.96 sqrt(101 x 0.16 x 0.84) = 7.22: ranks floor(16 - 7.22) = 8 and ceil(16 + 7.22) = 24
    assertThat(q[1]).isEqualTo(8.0);
    assertThat(q[2]).isEqualTo(24.0);
    double[] top =
        BeltCheck.quantileWithInterval(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.84);
    assertThat(top[0]).isCloseTo(8.56, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(top[2]).isEqualTo(10.0);
  }

  @Test
  void comparesEventLevelQuantilesWithTheBeltEdgesAtEachMu(@TempDir Path dir) throws Exception {
    try (TinyModels tiny = new TinyModels(31)) {
      TemplateStage.Templates templates =
          TemplateStage.build(
              HiggsMlAnalysis.templatePool(HiggsMlAnalysis.Config.smoke(31).withLuminosity(0.1))
                  .withWeightsScaled(0.01),
              tiny.models,
              TemplateStage.Config.square(0.97, 1.03, 3, 5, 8));
      assertThat(templates.processes()).contains(PhysicsProcess.HTAUTAU);
      NeymanBelt belt =
          NeymanBelt.of(
              new double[] {0, 1, 2}, new double[] {0, 0.2, 1.1}, new double[] {2, 3.4, 4.8});
      HiggsMlPredictor analysis = new HiggsMlPredictor(tiny.models, templates, belt);
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      BeltCheck.Result result =
          BeltCheck.run(
              new SyntheticExperiments(0.1)::generate,
              analysis,
              new BeltCheck.Config(new double[] {1}, 10, 3),
              new PrintStream(log, true));
      BeltCheck.Point p = result.points().get(0);
      assertThat(p.mu()).isEqualTo(1.0);
      assertThat(p.experiments()).isEqualTo(10);
      assertThat(p.beltLower()).isEqualTo(0.2);
      assertThat(p.beltUpper()).isEqualTo(3.4);
      assertThat(p.q16Low()).isLessThanOrEqualTo(p.q16()).isGreaterThanOrEqualTo(0.0);
      assertThat(p.q16()).isLessThanOrEqualTo(p.q16High());
      assertThat(p.q16()).isLessThanOrEqualTo(p.q84());
      assertThat(p.q84Low()).isLessThanOrEqualTo(p.q84()).isLessThanOrEqualTo(p.q84High());
      double tol = BeltCheck.TOLERANCE;
      assertThat(p.agrees())
          .isEqualTo(
              p.q16Low() - tol <= 0.2
                  && 0.2 <= p.q16High() + tol
                  && p.q84Low() - tol <= 3.4
                  && 3.4 <= p.q84High() + tol);
      // the quick run's mu = 0.5 point: edges on the bound 0 differing by fit noise agree
      assertThat(
              new BeltCheck.Point(0.5, 40, 5.3e-14, 0, 7.0e-13, 0.96, 0.47, 1.78, 7.5e-13, 1.37, 35)
                  .agrees())
          .isTrue();
      assertThat(new BeltCheck.Point(1.5, 40, 0, 0, 0, 1.74, 1.24, 2.76, 0.39, 2.60, 24).agrees())
          .isFalse();
      assertThat(p.covered()).isBetween(0, 10);
      assertThat(p.coverage()).isEqualTo(p.covered() / 10.0);
      assertThat(log.toString()).contains("belt-check pseudo-experiments");
      assertThat(result.markdown()).contains("| 1.00 | 10 |");

      result.save(dir);
      assertThat(BeltCheck.Result.load(dir)).isEqualTo(result);

      assertThatThrownBy(
              () ->
                  BeltCheck.run(
                      new SyntheticExperiments(0.1)::generate,
                      analysis,
                      new BeltCheck.Config(new double[] {0.5}, 10, 3),
                      new PrintStream(new ByteArrayOutputStream())))
          .hasMessageContaining("mu = 0.5 is not on the belt's grid [0.0, 1.0, 2.0]");
    }
    assertThatThrownBy(() -> new BeltCheck.Config(new double[] {1}, 5, 0))
        .hasMessageContaining("10 experiments per mu, got [1.0] and 5");
  }
}
