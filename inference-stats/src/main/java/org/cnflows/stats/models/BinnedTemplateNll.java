package org.cnflows.stats.models;

import java.util.List;
import java.util.random.RandomGenerator;
import org.cnflows.stats.NegLogLikelihood;
import org.cnflows.stats.Parameter;
import org.cnflows.stats.Parameters;
import org.cnflows.stats.internal.Checks;
import org.cnflows.stats.internal.Draws;

/**
 * The binned Poisson likelihood of template histograms (the HistFactory form, Cranmer et al.,
 * CERN-OPEN-2012-016, Eq. 6, without MC-statistics terms):
 *
 * <p>nu_b(theta) = sum_p (prod_{k in norm(p)} theta_k) T_{p,b}(nuisances),
 *
 * <p>-ln L = sum_b [nu_b - n_b + n_b ln(n_b / nu_b)] + sum_i -ln pi_i(theta_i),
 *
 * <p>the Poisson terms written relative to the saturated model (Baker and Cousins, Nucl. Instrum.
 * Meth. 221 (1984) 437, Eq. 15 halved), which changes -ln L by a constant and keeps its values
 * small. T_{p,b} is a {@link TemplateGrid}; every nuisance's bounds must lie within its grid, so
 * nothing is extrapolated. A bin whose expected count is zero or below (e.g. driven there by
 * interpolation) gives observed events probability zero: with n_b &gt; 0 the NLL is +infinity there
 * (the {@code Fitter} steers clear of such points, and reports {@code NON_FINITE_NLL} where there
 * is no other), with n_b = 0 the bin contributes nothing. Immutable and thread-safe.
 */
public final class BinnedTemplateNll implements NegLogLikelihood {

  private final Parameters parameters;
  private final List<Process> processes;
  private final int[][] norm;
  private final int[][] axes;
  private final double[] observed;

  /**
   * @param parameters all parameters
   * @param processes the processes; their norm factors and template axes name parameters
   * @param observed n_b, finite and non-negative (non-integer allowed, e.g. Asimov data)
   */
  public BinnedTemplateNll(Parameters parameters, List<Process> processes, double[] observed) {
    if (processes.isEmpty()) {
      throw new IllegalArgumentException("no processes");
    }
    this.parameters = parameters;
    this.processes = List.copyOf(processes);
    this.observed = Checks.nonNegativeArray("observed", observed).clone();
    this.norm = new int[processes.size()][];
    this.axes = new int[processes.size()][];
    for (int p = 0; p < processes.size(); p++) {
      Process proc = processes.get(p);
      if (proc.templates().bins() != observed.length) {
        throw new IllegalArgumentException(
            "process "
                + proc.name()
                + " has "
                + proc.templates().bins()
                + " bins, data "
                + observed.length);
      }
      norm[p] = proc.normFactors().stream().mapToInt(parameters::indexOf).toArray();
      List<String> names = proc.templates().nuisances();
      axes[p] = names.stream().mapToInt(parameters::indexOf).toArray();
      for (int k = 0; k < names.size(); k++) {
        Parameter par = parameters.get(names.get(k));
        double[] grid = proc.templates().axis(k);
        if (par.lower() < grid[0] || par.upper() > grid[grid.length - 1]) {
          throw new IllegalArgumentException(
              par.name()
                  + " bounds ["
                  + par.lower()
                  + ", "
                  + par.upper()
                  + "] exceed the template grid ["
                  + grid[0]
                  + ", "
                  + grid[grid.length - 1]
                  + "] of process "
                  + proc.name());
        }
      }
    }
  }

  @Override
  public Parameters parameters() {
    return parameters;
  }

  /** The same model with other observed counts. */
  public BinnedTemplateNll withObserved(double[] counts) {
    return new BinnedTemplateNll(parameters, processes, counts);
  }

  /** The expected counts nu_b(theta). */
  public double[] expected(double[] theta) {
    parameters.checkInside(theta);
    return expectedUnchecked(theta);
  }

  /** The Asimov dataset of theta: the same model observing n_b = nu_b(theta). */
  public BinnedTemplateNll asimov(double[] theta) {
    return withObserved(expected(theta));
  }

  /** A pseudo-experiment at theta: the same model observing n_b ~ Poisson(nu_b(theta)). */
  public BinnedTemplateNll poissonToy(double[] theta, RandomGenerator rng) {
    double[] nu = expected(theta);
    double[] n = new double[nu.length];
    for (int b = 0; b < nu.length; b++) {
      n[b] = nu[b] > 0 ? Draws.poisson(nu[b], rng) : 0;
    }
    return withObserved(n);
  }

  @Override
  public double value(double[] theta) {
    double[] nu = expectedUnchecked(theta);
    double s = 0;
    for (int b = 0; b < nu.length; b++) {
      double e = Math.max(nu[b], 0);
      double n = observed[b];
      if (Double.isNaN(e)) {
        return Double.NaN;
      }
      if (n > 0 && e == 0) {
        return Double.POSITIVE_INFINITY;
      }
      s += n > 0 ? e - n + n * (Math.log(n) - Math.log(e)) : e;
    }
    return s + parameters.constraintNll(theta);
  }

  private double[] expectedUnchecked(double[] theta) {
    double[] nu = new double[observed.length];
    for (int p = 0; p < processes.size(); p++) {
      double f = 1;
      for (int i : norm[p]) {
        f *= theta[i];
      }
      double[] at = new double[axes[p].length];
      for (int k = 0; k < at.length; k++) {
        at[k] = theta[axes[p][k]];
      }
      double[] t = processes.get(p).templates().at(at);
      for (int b = 0; b < nu.length; b++) {
        nu[b] += f * t[b];
      }
    }
    return nu;
  }
}
