package org.cnflows.stats.models;

import java.util.List;
import java.util.function.Function;
import org.cnflows.stats.NegLogLikelihood;
import org.cnflows.stats.Parameters;

/**
 * The unbinned likelihood of a signal-plus-background mixture with signal strength mu and nuisances
 * nu, from per-event log-densities supplied by the caller.
 *
 * <p>With expected yields s (signal at mu = 1) and b, and N events:
 *
 * <ul>
 *   <li>extended (Barlow, Nucl. Instrum. Meth. A 297 (1990) 496, Eq. 3): -ln L = (mu s + b) - sum_i
 *       ln(mu s p_s(x_i|nu) + b p_b(x_i|nu));
 *   <li>not extended (the mixture density alone): -ln L = -sum_i ln[(mu s p_s + b p_b) / (mu s +
 *       b)]. With s = b = 1 this is the signal-to-background-ratio mixture of Sluijter's thesis,
 *       Sec. 3.1.1, p(sig) = mu / (1 + mu).
 * </ul>
 *
 * plus the constraint terms of the parameters. Terms are combined with log-sum-exp, so per-event
 * log-densities far below zero are safe. Thread-safe if the callback is.
 */
public final class UnbinnedMixtureNll implements NegLogLikelihood {

  private final Parameters parameters;
  private final int poi;
  private final int[] nuisances;
  private final Function<double[], LogDensities> densities;
  private final double expectedSignal;
  private final double expectedBackground;
  private final boolean extended;

  /**
   * @param parameters all parameters (the POI, the nuisances the callback takes, and any others)
   * @param poi the name of mu
   * @param nuisanceNames the parameters passed, in this order, to {@code densities}
   * @param densities gives the per-event log-densities at given nuisance values
   * @param expectedSignal s, positive
   * @param expectedBackground b, positive
   * @param extended whether to include the Poisson term of the total yield
   */
  public UnbinnedMixtureNll(
      Parameters parameters,
      String poi,
      List<String> nuisanceNames,
      Function<double[], LogDensities> densities,
      double expectedSignal,
      double expectedBackground,
      boolean extended) {
    if (!(expectedSignal > 0) || !(expectedBackground > 0)) {
      throw new IllegalArgumentException(
          "expected yields s = "
              + expectedSignal
              + ", b = "
              + expectedBackground
              + " not positive");
    }
    this.parameters = parameters;
    this.poi = parameters.indexOf(poi);
    this.nuisances = nuisanceNames.stream().mapToInt(parameters::indexOf).toArray();
    this.densities = densities;
    this.expectedSignal = expectedSignal;
    this.expectedBackground = expectedBackground;
    this.extended = extended;
  }

  @Override
  public Parameters parameters() {
    return parameters;
  }

  @Override
  public double value(double[] theta) {
    double[] nu = new double[nuisances.length];
    for (int k = 0; k < nu.length; k++) {
      nu[k] = theta[nuisances[k]];
    }
    LogDensities d = densities.apply(nu);
    double mu = theta[poi];
    double total = mu * expectedSignal + expectedBackground;
    double ls = Math.log(mu * expectedSignal);
    double lb = Math.log(expectedBackground);
    double sum = 0;
    double[] ps = d.logSignal();
    double[] pb = d.logBackground();
    for (int i = 0; i < ps.length; i++) {
      sum += logAddExp(ls + ps[i], lb + pb[i]);
    }
    double norm = extended ? total : ps.length * Math.log(total);
    return norm - sum + parameters.constraintNll(theta);
  }

  /** ln(e^a + e^b) without overflow; -infinity when both are. */
  static double logAddExp(double a, double b) {
    double m = Math.max(a, b);
    if (m == Double.NEGATIVE_INFINITY) {
      return m;
    }
    return m + Math.log1p(Math.exp(Math.min(a, b) - m));
  }
}
