package org.cnflows.stats.models;

import java.util.List;
import org.cnflows.stats.internal.Checks;
import org.cnflows.stats.internal.SplineWeights;

/**
 * One process's histogram known on a grid of nuisance values, interpolated per bin by a
 * tensor-product natural cubic spline: T_b(nu) = sum_{j_1..j_d} w_{j_1}(nu_1) ... w_{j_d}(nu_d)
 * H_b[j_1..j_d], the 1-D weights of {@link SplineWeights} (Press et al., Numerical Recipes, 3rd
 * ed., Sec. 3.6 for the tensor product). Two points on an axis interpolate linearly. Immutable.
 */
public final class TemplateGrid {

  private final List<String> nuisances;
  private final double[][] axes;
  private final SplineWeights[] weights;
  private final double[][] histograms;
  private final int bins;

  /**
   * @param nuisances the parameter names of the axes (may be empty: one fixed histogram)
   * @param axes the grid values of each axis, strictly increasing, at least two
   * @param histograms the expected counts per bin at each grid point, grid points in row-major
   *     order (the last axis varies fastest); finite and non-negative
   */
  public TemplateGrid(List<String> nuisances, List<double[]> axes, double[][] histograms) {
    if (nuisances.size() != axes.size()) {
      throw new IllegalArgumentException(
          nuisances.size() + " nuisance names for " + axes.size() + " axes");
    }
    this.nuisances = List.copyOf(nuisances);
    this.axes = new double[axes.size()][];
    this.weights = new SplineWeights[axes.size()];
    int points = 1;
    for (int k = 0; k < axes.size(); k++) {
      this.axes[k] = Checks.increasing("axis " + nuisances.get(k), axes.get(k), 2).clone();
      weights[k] = new SplineWeights(this.axes[k]);
      points *= this.axes[k].length;
    }
    if (histograms.length != points) {
      throw new IllegalArgumentException(
          histograms.length + " histograms for a grid of " + points + " points");
    }
    this.bins = histograms[0].length;
    this.histograms = new double[points][];
    for (int g = 0; g < points; g++) {
      if (histograms[g].length != bins) {
        throw new IllegalArgumentException(
            "histogram " + g + " has " + histograms[g].length + " bins, expected " + bins);
      }
      this.histograms[g] = Checks.nonNegativeArray("histogram " + g, histograms[g]).clone();
    }
  }

  /** A template without systematics. */
  public static TemplateGrid fixed(double[] histogram) {
    return new TemplateGrid(List.of(), List.of(), new double[][] {histogram});
  }

  /** The nuisance names of the axes. */
  public List<String> nuisances() {
    return nuisances;
  }

  /** The grid values of axis k. */
  public double[] axis(int k) {
    return axes[k].clone();
  }

  /** Number of bins. */
  public int bins() {
    return bins;
  }

  /** The interpolated histogram T(nu), {@code nu} in the order of {@link #nuisances()}. */
  public double[] at(double[] nu) {
    double[] w = {1.0};
    for (int k = 0; k < axes.length; k++) {
      double[] wk = weights[k].weights(nu[k]);
      double[] next = new double[w.length * wk.length];
      for (int a = 0; a < w.length; a++) {
        for (int c = 0; c < wk.length; c++) {
          next[a * wk.length + c] = w[a] * wk[c];
        }
      }
      w = next;
    }
    double[] out = new double[bins];
    for (int g = 0; g < w.length; g++) {
      if (w[g] != 0) {
        double[] h = histograms[g];
        for (int b = 0; b < bins; b++) {
          out[b] += w[g] * h[b];
        }
      }
    }
    return out;
  }
}
