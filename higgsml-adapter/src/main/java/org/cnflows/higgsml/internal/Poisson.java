package org.cnflows.higgsml.internal;

import java.util.random.RandomGenerator;

/**
 * Poisson variates without allocation: inversion by sequential search for means below 10, and
 * Hörmann's transformed rejection with squeeze (PTRS; W. Hörmann, "The transformed rejection method
 * for generating Poisson random variables", Insurance: Mathematics and Economics 12 (1993) 39-45;
 * the algorithm numpy uses) above.
 */
public final class Poisson {
  private static final double PTRS_MIN_MEAN = 10.0;
  private static final int LOG_FACTORIAL_TABLE = 64;
  private static final double[] LOG_FACTORIAL = new double[LOG_FACTORIAL_TABLE];

  static {
    for (int k = 1; k < LOG_FACTORIAL_TABLE; k++) {
      LOG_FACTORIAL[k] = LOG_FACTORIAL[k - 1] + Math.log(k);
    }
  }

  private Poisson() {}

  /**
   * One draw from Poisson(mean).
   *
   * @throws IllegalArgumentException if mean is negative or not finite
   */
  public static int sample(RandomGenerator rng, double mean) {
    if (!(mean >= 0 && mean < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("Poisson mean = " + mean + " must be finite and >= 0");
    }
    if (mean == 0) {
      return 0;
    }
    return mean < PTRS_MIN_MEAN ? inversion(rng, mean) : ptrs(rng, mean);
  }

  private static int inversion(RandomGenerator rng, double mean) {
    double p = Math.exp(-mean);
    double cumulative = p;
    double u = rng.nextDouble();
    int k = 0;
    while (u > cumulative && p > 0) {
      k++;
      p *= mean / k;
      cumulative += p;
    }
    return k;
  }

  private static int ptrs(RandomGenerator rng, double lambda) {
    double logLambda = Math.log(lambda);
    double b = 0.931 + 2.53 * Math.sqrt(lambda);
    double a = -0.059 + 0.02483 * b;
    double invAlpha = 1.1239 + 1.1328 / (b - 3.4);
    double vr = 0.9277 - 3.6224 / (b - 2);
    while (true) {
      double u = rng.nextDouble() - 0.5;
      double v = rng.nextDouble();
      double us = 0.5 - Math.abs(u);
      long k = (long) Math.floor((2 * a / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) {
        return (int) k;
      }
      if (k < 0 || (us < 0.013 && v > us)) {
        continue;
      }
      if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b)
          <= -lambda + k * logLambda - logFactorial(k)) {
        return (int) k;
      }
    }
  }

  /** log(k!), from a table below 64 and Stirling's series (error below 1e-13) above. */
  static double logFactorial(long k) {
    if (k < LOG_FACTORIAL_TABLE) {
      return LOG_FACTORIAL[(int) k];
    }
    double x = k + 1.0;
    double inv = 1 / x;
    double inv2 = inv * inv;
    return (x - 0.5) * Math.log(x)
        - x
        + 0.5 * Math.log(2 * Math.PI)
        + inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 / 1260));
  }
}
