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
    // Binomial(101, 0.16): P(B <= 8) = 0.0134, P(B <= 9) = 0.0289; P(B >= 25) = 0.0153, P(B >=
    // 24) = 0.0275: the 9th and 25th values (0-based 8 and 24)
    assertThat(q[1]).isEqualTo(8.0);
    assertThat(q[2]).isEqualTo(24.0);
    double[] top =
        BeltCheck.quantileWithInterval(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.84);
    assertThat(top[0]).isCloseTo(8.56, org.assertj.core.data.Offset.offset(1e-12));
    // P(all 10 below the 84% quantile) = 0.84^10 = 0.175: ten values cannot bound it from above
    assertThat(top[1]).isEqualTo(6.0);
    assertThat(top[2]).isEqualTo(Double.POSITIVE_INFINITY);
    // the 0.5% quantile of 40 values: no lower end; P(B >= 2) = 0.017, so the 2nd value is above
    double[] forty = new double[40];
    for (int i = 0; i < 40; i++) {
      forty[i] = i;
    }
    double[] edge = BeltCheck.quantileWithInterval(forty, 0.005);
    assertThat(edge[1]).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(edge[2]).isEqualTo(1.0);
  }

  @Test
  void comparesEventLevelQuantilesWithTheBeltEdgesAtEachMu(@TempDir Path dir) throws Exception {
    try (TinyModels tiny = new TinyModels(31)) {
      TemplateStage.Templates templates =
          TemplateStage.build(
              HiggsMlAnalysis.templatePool(HiggsMlAnalysis.Config.smoke(31).withLuminosity(0.1))
                  .withWeightsScaled(0.01),
              tiny.models,
              TemplateStage.Config.square(0.97, 1.03, 3, 5, 1.0, 8));
      assertThat(templates.processes()).contains(PhysicsProcess.HTAUTAU);
      NeymanBelt belt =
          NeymanBelt.build(
              new NeymanBelt.Config(
                  new double[] {0, 1, 2}, 40, 0.6827, NeymanBelt.Ordering.LIKELIHOOD_RATIO, 3, 1),
              NeymanBelt.Estimator.ofValue((mu, rng) -> mu + 1.5 * rng.nextGaussian()));
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
      assertThat(p.beltLower()).isEqualTo(belt.lower()[1]);
      assertThat(p.beltUpper()).isEqualTo(belt.upper()[1]);
      assertThat(p.lowerLevel()).isEqualTo(belt.fractionBelow()[1]);
      assertThat(p.upperLevel()).isEqualTo(1 - belt.fractionAbove()[1]);
      assertThat(p.qLowerLow()).isLessThanOrEqualTo(p.qLower());
      assertThat(p.qLower()).isLessThanOrEqualTo(p.qLowerHigh());
      assertThat(p.qLower()).isLessThanOrEqualTo(p.qUpper());
      assertThat(p.qUpperLow()).isLessThanOrEqualTo(p.qUpper()).isLessThanOrEqualTo(p.qUpperHigh());
      double tol = BeltCheck.TOLERANCE;
      assertThat(p.agrees())
          .isEqualTo(
              p.qLowerLow() - tol <= p.beltLower()
                  && p.beltLower() <= p.qLowerHigh() + tol
                  && p.qUpperLow() - tol <= p.beltUpper()
                  && p.beltUpper() <= p.qUpperHigh() + tol);
      // edges on a bound differing by fit noise agree
      assertThat(
              new BeltCheck.Point(
                      0.5, 40, 0.16, 0.84, 5.3e-14, 0, 7.0e-13, 0.96, 0.47, 1.78, 7.5e-13, 1.37, 35)
                  .agrees())
          .isTrue();
      assertThat(
              new BeltCheck.Point(1.5, 40, 0.16, 0.84, 0, 0, 0, 1.74, 1.24, 2.76, 0.39, 2.60, 24)
                  .agrees())
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
