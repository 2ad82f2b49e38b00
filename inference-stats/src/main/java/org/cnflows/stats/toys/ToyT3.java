package org.cnflows.stats.toys;

import java.util.random.RandomGenerator;
import org.cnflows.stats.internal.Draws;
import org.cnflows.stats.models.LogDensities;

/**
 * Toy T3: the Gaussian signal-ratio toy of Sluijter's thesis, Sec. 3.1.1. In 2-D with unit
 * covariance, the signal mean sits at polar (r, phi = z) and the background mean at the opposite
 * point (-r cos z, -r sin z); mu is the signal-to-background ratio, so an event is signal with
 * probability mu / (1 + mu) and the exact density is p(x|mu, z) = (mu p_s(x|z) + p_b(x|z)) / (1 +
 * mu). Large distance r = 2, small distance r = 0.5; test grid mu in {0.1, 0.2, 0.3} x z in {0.15,
 * 0.25, 0.35} pi.
 *
 * @param r the distance of each mean from the origin, positive
 */
public record ToyT3(double r) {

  /** The thesis' large-distance case. */
  public static final ToyT3 LARGE = new ToyT3(2.0);

  /** The thesis' small-distance case. */
  public static final ToyT3 SMALL = new ToyT3(0.5);

  /** The test values of mu. */
  public static final double[] MU_TEST = {0.1, 0.2, 0.3};

  /** The test values of z. */
  public static final double[] Z_TEST = {0.15 * Math.PI, 0.25 * Math.PI, 0.35 * Math.PI};

  /** Validates r. */
  public ToyT3 {
    if (!(r > 0) || !Double.isFinite(r)) {
      throw new IllegalArgumentException("distance r = " + r + " is not positive");
    }
  }

  /** p_s(x|z) = N((r cos z, r sin z), I). */
  public BivariateGaussian signal(double z) {
    return new BivariateGaussian(r * Math.cos(z), r * Math.sin(z), 1, 0, 1);
  }

  /** p_b(x|z) = N((-r cos z, -r sin z), I). */
  public BivariateGaussian background(double z) {
    return new BivariateGaussian(-r * Math.cos(z), -r * Math.sin(z), 1, 0, 1);
  }

  /**
   * A dataset of {@code n} events at (mu, z) with a Binomial(n, mu/(1 + mu)) signal count, as
   * i.i.d. draws from the mixture; rows are events {x0, x1}, signal first.
   */
  public double[][] generate(int n, double mu, double z, RandomGenerator rng) {
    if (n <= 0 || !(mu >= 0)) {
      throw new IllegalArgumentException("n = " + n + ", mu = " + mu + " do not define a dataset");
    }
    int nSig = Draws.binomial(n, mu / (1 + mu), rng);
    BivariateGaussian s = signal(z);
    BivariateGaussian b = background(z);
    double[][] x = new double[n][];
    for (int i = 0; i < n; i++) {
      BivariateGaussian g = i < nSig ? s : b;
      x[i] = new double[] {g.mean0() + rng.nextGaussian(), g.mean1() + rng.nextGaussian()};
    }
    return x;
  }

  /** The per-event ln p_s(x_i|z) and ln p_b(x_i|z). */
  public LogDensities logDensities(double[][] events, double z) {
    BivariateGaussian s = signal(z);
    BivariateGaussian b = background(z);
    double[] ls = new double[events.length];
    double[] lb = new double[events.length];
    for (int i = 0; i < events.length; i++) {
      ls[i] = s.logDensity(events[i][0], events[i][1]);
      lb[i] = b.logDensity(events[i][0], events[i][1]);
    }
    return new LogDensities(ls, lb);
  }
}
