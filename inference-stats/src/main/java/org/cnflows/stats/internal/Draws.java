package org.cnflows.stats.internal;

import java.util.random.RandomGenerator;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.IntegerDistribution;
import org.apache.commons.math3.distribution.PoissonDistribution;

/**
 * Integer draws from a JDK {@link RandomGenerator} by inversion (Devroye, Non-Uniform Random
 * Variate Generation, 1986, Sec. II.2): k = F^-1(u) with u uniform on [0, 1) from the caller's
 * generator and F^-1 Commons Math's exact inverse CDF, so every stream of cnflows stays a JDK
 * generator seeded by {@code org.cnflows.common.Seeds}. One uniform per draw.
 */
public final class Draws {

  private Draws() {}

  /**
   * A draw from Poisson(mean).
   *
   * @throws IllegalArgumentException if mean is not positive and finite
   */
  public static int poisson(double mean, RandomGenerator rng) {
    if (!(mean > 0) || !Double.isFinite(mean)) {
      throw new IllegalArgumentException("Poisson mean = " + mean + " is not positive");
    }
    return inverse(
        new PoissonDistribution(
            null,
            mean,
            PoissonDistribution.DEFAULT_EPSILON,
            PoissonDistribution.DEFAULT_MAX_ITERATIONS),
        rng);
  }

  /**
   * A draw from Binomial(trials, p).
   *
   * @throws IllegalArgumentException if trials &lt; 0 or p is outside [0, 1]
   */
  public static int binomial(int trials, double p, RandomGenerator rng) {
    if (trials < 0 || !(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(
          "Binomial trials = " + trials + ", p = " + p + " do not define a distribution");
    }
    return inverse(new BinomialDistribution(null, trials, p), rng);
  }

  /** F^-1(u); the distribution's own generator (null here) is never used. */
  private static int inverse(IntegerDistribution d, RandomGenerator rng) {
    return d.inverseCumulativeProbability(rng.nextDouble());
  }
}
