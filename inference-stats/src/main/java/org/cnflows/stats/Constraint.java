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
 *       71 (2011) 1554, Sec. 2 (log-normal auxiliary measurement), with the Jacobian term kept;
 *       with a resolution floor f &gt; 0 the density is held at pi(f) on [0, f], so that a
 *       parameter whose nominal value is 0 (HiggsML's soft_met) has a finite -ln pi there.
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
   * Log-normal constraint: ln theta ~ N(ln center, width^2), for theta at or above a resolution
   * floor; below it, down to 0, the density is constant, pi(theta) = pi(floor).
   *
   * <p>The floor is for a parameter that is the width of a smearing (HiggsML's soft_met, a Gaussian
   * MET noise of width soft_met drawn as e^N(0, 1), nominal 0): the log-normal density vanishes at
   * 0, so -ln pi is infinite at the nominal value, yet widths below the resolution of the data are
   * indistinguishable from 0. Holding the density there keeps -ln pi finite and continuous on [0,
   * infinity); it adds probability floor pi(floor) (1.7e-11 for center 1, width 1, floor 1e-3), so
   * it matches the log-normal draws at any histogram resolution. Draws are the log-normal's.
   *
   * @param center the median e^(mean of ln theta), positive
   * @param width the standard deviation of ln theta, positive
   * @param floor the resolution below which the density is held, 0 (none) or positive and below
   *     center
   */
  record LogNormal(double center, double width, double floor) implements Constraint {
    /** Validates a positive center and width and a floor in [0, center). */
    public LogNormal {
      if (!(center > 0) || !Double.isFinite(center) || !(width > 0) || !Double.isFinite(width)) {
        throw new IllegalArgumentException(
            "log-normal constraint center = " + center + ", width = " + width + " is not valid");
      }
      if (!(floor >= 0 && floor < center)) {
        throw new IllegalArgumentException(
            "log-normal constraint floor = " + floor + " outside [0, center = " + center + ")");
      }
    }

    /** Without a floor: -ln pi is infinite at 0 and below. */
    public LogNormal(double center, double width) {
      this(center, width, 0);
    }

    @Override
    public double nll(double theta) {
      if (theta < 0 || Double.isNaN(theta)) {
        return Double.POSITIVE_INFINITY;
      }
      if (theta < floor) {
        return nll(floor);
      }
      if (theta == 0) {
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
