package org.cnflows.higgsml.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.cnflows.stats.Fitter;
import org.cnflows.stats.Parameter;
import org.cnflows.stats.Parameters;
import org.cnflows.stats.intervals.NeymanBelt;
import org.cnflows.stats.models.BinnedTemplateNll;
import org.cnflows.stats.models.Process;
import org.cnflows.stats.models.TemplateGrid;
import org.junit.jupiter.api.Test;

/**
 * The baseline's belt knows only the statistical spread of mu-hat: built from toys at nominal
 * nuisances and fitted in mu alone, it covers at nominal and under-covers when tes moves (on a
 * binned model whose background leaks into the signal-like bins as tes grows).
 */
class BaselineTest {

  private static final double[] TES = {0.97, 0.985, 1.0, 1.015, 1.03};

  /** 10 bins: the signal at high scores, the background moving up with tes. */
  private static BinnedTemplateNll model() {
    int bins = 10;
    double[] signal = new double[bins];
    double[][] background = new double[TES.length][bins];
    for (int b = 0; b < bins; b++) {
      double x = b / (bins - 1.0);
      signal[b] = 40 * x * x;
      for (int g = 0; g < TES.length; g++) {
        background[g][b] = 800 * (1.1 - x) * (1 + 20 * (TES[g] - 1) * (x - 0.5));
      }
    }
    double[][] signalGrid = new double[TES.length][];
    java.util.Arrays.fill(signalGrid, signal);
    Parameters parameters =
        Parameters.of(Parameter.of("mu", 1, 0, 6), Parameter.gaussian("tes", 1, 0.01, 0.97, 1.03));
    BinnedTemplateNll m =
        new BinnedTemplateNll(
            parameters,
            List.of(
                new Process(
                    "signal",
                    new TemplateGrid(List.of("tes"), List.of(TES), signalGrid),
                    List.of("mu")),
                new Process(
                    "background",
                    new TemplateGrid(List.of("tes"), List.of(TES), background),
                    List.of())),
            new double[bins]);
    return m.asimov(parameters.initialValues());
  }

  /** The fraction of toys at (mu = 1, tes) whose baseline interval contains 1. */
  private static double coverage(BinnedTemplateNll model, NeymanBelt belt, double tes) {
    Parameters fitted = Baseline.muOnly(model.parameters());
    SplittableRandom rng = new SplittableRandom(11);
    int covered = 0;
    int toys = 400;
    for (int i = 0; i < toys; i++) {
      BinnedTemplateNll toy = model.poissonToy(new double[] {1, tes}, rng);
      double muHat = Fitter.defaults().fit(toy.withParameters(fitted)).value("mu");
      covered += belt.invert(muHat).contains(1) ? 1 : 0;
    }
    return covered / (double) toys;
  }

  @Test
  void theMuOnlyBeltCoversAtNominalNuisancesAndUnderCoversWhenTesMoves() {
    BinnedTemplateNll model = model();
    Parameters fitted = Baseline.muOnly(model.parameters());
    assertThat(fitted.floatingIndices()).containsExactly(fitted.indexOf("mu"));
    assertThat(fitted.get("tes").initial()).isEqualTo(1);
    double[] grid = new double[17];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = 0.25 * i;
    }
    NeymanBelt belt = Baseline.belt(model, new BeltStage.Config(grid, 300, 0.6827, 3, 2));
    double nominal = coverage(model, belt, 1.0);
    double shifted = coverage(model, belt, 1.02);
    System.out.printf(
        "baseline coverage at tes = 1: %.3f, at tes = 1.02: %.3f%n", nominal, shifted);
    // 400 toys: the binomial standard deviation at 0.6827 is 0.023
    assertThat(nominal).isBetween(0.6827 - 0.07, 0.6827 + 0.07);
    assertThat(shifted).isLessThan(0.45);
  }
}
