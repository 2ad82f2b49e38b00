package org.cnflows.stats;

import java.util.random.RandomGenerator;

/**
 * A prior (auxiliary-measurement) constraint on a nuisance parameter, added to the negative log
 * likelihood as -ln pi(theta) up to a constant.
 *
 * <ul>
 *   <li>{@link Gaussian}: pi = N(center, width^2), -ln pi = (theta - center)^2 / (2 width^2).
 *   <li>{@link LogNormal}: ln theta ~ N(ln center, width^2), -ln pi = ln theta + (ln theta - ln
 *       center)^2 / (2 width^2), the density of Cowan, Cranmer, Gross and Vitells, Eur. Phys. J. C
 *       71 (2011) 1554, Sec. 2 (log-normal auxiliary measurement), with the Jacobian term kept.
 * </ul>
 */
public sealed interface Constraint {

  /** -ln pi(theta) without constant terms. */
  double nll(double theta);

  /** The value one standard deviation above the center (center + width, or center e^width). */
  double plusOneSigma();

  /** The value one standard deviation below the center (center - width, or center e^-width). */
  double minusOneSigma();

  /** A random draw from pi. */
  double sample(RandomGenerator rng);

  /** The most probable value of the auxiliary measurement, used as the nominal value. */
  double center();

  /**
   * Gaussian constraint N(center, width^2).
   *
   * @param center the mean
   * @param width the standard deviation, positive
   */
  record Gaussian(double center, double width) implements Constraint {
    /** Validates a finite center and a positive width. */
    public Gaussian {
      if (!Double.isFinite(center) || !(width > 0) || !Double.isFinite(width)) {
        throw new IllegalArgumentException(
            "Gaussian constraint center = " + center + ", width = " + width + " is not valid");
      }
    }

    @Override
    public double nll(double theta) {
      double d = (theta - center) / width;
      return 0.5 * d * d;
    }

    @Override
    public double plusOneSigma() {
      return center + width;
    }

    @Override
    public double minusOneSigma() {
      return center - width;
    }

    @Override
    public double sample(RandomGenerator rng) {
      return center + width * rng.nextGaussian();
    }
  }

  /**
   * Log-normal constraint: ln theta ~ N(ln center, width^2).
   *
   * @param center the median e^(mean of ln theta), positive
   * @param width the standard deviation of ln theta, positive
   */
  record LogNormal(double center, double width) implements Constraint {
    /** Validates a positive center and width. */
    public LogNormal {
      if (!(center > 0) || !Double.isFinite(center) || !(width > 0) || !Double.isFinite(width)) {
        throw new IllegalArgumentException(
            "log-normal constraint center = " + center + ", width = " + width + " is not valid");
      }
    }

    @Override
    public double nll(double theta) {
      if (!(theta > 0)) {
        return Double.POSITIVE_INFINITY;
      }
      double lt = Math.log(theta);
      double d = (lt - Math.log(center)) / width;
      return lt + 0.5 * d * d;
    }

    @Override
    public double plusOneSigma() {
      return center * Math.exp(width);
    }

    @Override
    public double minusOneSigma() {
      return center * Math.exp(-width);
    }

    @Override
    public double sample(RandomGenerator rng) {
      return center * Math.exp(width * rng.nextGaussian());
    }
  }
}
