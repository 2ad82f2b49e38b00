package org.cnflows.stats.toys;

import java.util.List;
import org.cnflows.stats.Parameter;
import org.cnflows.stats.Parameters;
import org.cnflows.stats.models.BinnedTemplateNll;
import org.cnflows.stats.models.Process;
import org.cnflows.stats.models.TemplateGrid;

/**
 * A synthetic binned template model with two shape nuisances, for tests and benchmarks (the same
 * model is written in numpy in {@code benchmarks/scripts/stats/binned_fit.py}). On x in [0, 1] with
 * bin centres x_b and nuisances a, b each on a grid of {@code gridPoints} values over [-3, 3]:
 * signal T_s = 20 exp(-((x_b - 0.7 - 0.05 a) / 0.08)^2 / 2) (a shifts the peak), background T_b =
 * 100 e^(-2 x_b) (1 + 0.05 b (x_b - 0.5)) (b tilts the slope). Parameters: mu in [-2, 5] scaling
 * the signal, a and b with N(0, 1) constraints on [-3, 3]. The observed counts are zero: use {@link
 * BinnedTemplateNll#asimov} or {@link BinnedTemplateNll#poissonToy}.
 */
public final class ToyTemplates {

  private ToyTemplates() {}

  /** The model with {@code bins} bins and a {@code gridPoints} x {@code gridPoints} grid. */
  public static BinnedTemplateNll peakOnFallingBackground(int bins, int gridPoints) {
    double[] axis = new double[gridPoints];
    for (int i = 0; i < gridPoints; i++) {
      axis[i] = -3 + 6.0 * i / (gridPoints - 1);
    }
    double[][] sig = new double[gridPoints * gridPoints][bins];
    double[][] bkg = new double[gridPoints * gridPoints][bins];
    for (int i = 0; i < gridPoints; i++) {
      for (int j = 0; j < gridPoints; j++) {
        for (int b = 0; b < bins; b++) {
          double x = (b + 0.5) / bins;
          double peak = (x - 0.7 - 0.05 * axis[i]) / 0.08;
          sig[i * gridPoints + j][b] = 20 * Math.exp(-0.5 * peak * peak);
          bkg[i * gridPoints + j][b] = 100 * Math.exp(-2 * x) * (1 + 0.05 * axis[j] * (x - 0.5));
        }
      }
    }
    Parameters ps =
        Parameters.of(
            Parameter.of("mu", 1, -2, 5),
            Parameter.gaussian("a", 0, 1, -3, 3),
            Parameter.gaussian("b", 0, 1, -3, 3));
    List<String> names = List.of("a", "b");
    List<double[]> axes = List.of(axis, axis);
    return new BinnedTemplateNll(
        ps,
        List.of(
            new Process("sig", new TemplateGrid(names, axes, sig), List.of("mu")),
            new Process("bkg", new TemplateGrid(names, axes, bkg), List.of())),
        new double[bins]);
  }
}
