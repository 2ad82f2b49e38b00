package org.cnflows.stats.toys;

import java.util.random.RandomGenerator;
import org.cnflows.stats.NegLogLikelihood;
import org.cnflows.stats.Parameter;
import org.cnflows.stats.Parameters;

/**
 * Toy T4: the factorizable-flow toy of Valsecchi, Donega and Wallny (arXiv 2602.13184, the authors'
 * public reference toy, BSD-3), with every density in closed form. Two classes A (index 0, sign s =
 * -1) and B (index 1, s = +1) with probability 1/2 each, kinematics x in R^2, features y in R^2 and
 * two nuisances nu = (nu_s, nu_q) ("shift", "squeeze"), with a = b = 0.2 nu_q:
 *
 * <pre>
 *   p(x|A) = N((-0.5 - 0.3 nu_s, 0), diag((0.9 e^a)^2, (0.6 e^-a)^2))
 *   p(x|B) = N((+0.5 + 0.3 nu_s, 0), diag((0.6 e^-a)^2, (0.4 e^a)^2))
 *   p(y|x,c) = N((m0, m1), [[s0^2, rho s0 s1], [rho s0 s1, s1^2]]),
 *     m0 = sin(1.5 x1) + 0.3 x2 + s 0.3 nu_s tanh(x1),  m1 = 0.3 x1^2 - 1.2 + 0.5 sin(x2) - s 0.3 nu_s tanh(x1),
 *     s0 = softplus(0.4 x1 + 0.1) e^(s b),  s1 = softplus(-0.2 x1 + 0.4) e^(-s b),  rho = 0.8 tanh(0.5 (x1 + x2))
 * </pre>
 *
 * (x1, x2 are {@code x[0], x[1]}). "Data" differ from simulation by a distortion D of y that a
 * distribution of interest must learn: y is rotated by theta = s 0.4 / (0.7 |x| + 0.5) tanh(x1 /
 * 0.5), then sheared, y' = (I + s 0.1 [[1, -1], [-1, 1]]) y; det D = 1 + 0.2 s. The true likelihood
 * of data (distortion removed exactly) is sum_c 1/2 p(x|c,nu) p(D^-1(y')|x,c,nu) / |det D|.
 * Definition and reference numbers: docs/toy-t4.md.
 */
public final class ToyT4 {

  /** The injected nuisances of the reference measurement, (nu_s, nu_q). */
  public static final double[] REFERENCE_NU = {0.5, -0.5};

  /** The names of the nuisances, in the order of every {@code nu} argument. */
  public static final String[] NUISANCES = {"nu_shift", "nu_squeeze"};

  private ToyT4() {}

  /**
   * Events of the toy.
   *
   * @param x kinematics, n rows {x1, x2}
   * @param y features, n rows {y1, y2} (distorted for data)
   * @param classes 0 for A, 1 for B
   */
  public record Events(double[][] x, double[][] y, int[] classes) {
    /** Checks that the three arrays describe the same events. */
    public Events {
      if (x.length != y.length || x.length != classes.length) {
        throw new IllegalArgumentException(
            "x has "
                + x.length
                + " rows, y "
                + y.length
                + ", classes "
                + classes.length
                + ": not the same events");
      }
    }

    /** The number of events. */
    public int size() {
      return x.length;
    }
  }

  /** The sign s of class c: -1 for A (0), +1 for B (1). */
  public static int sign(int c) {
    if (c != 0 && c != 1) {
      throw new IllegalArgumentException("class = " + c + " is neither 0 (A) nor 1 (B)");
    }
    return 2 * c - 1;
  }

  /** p(x | c, nu) as a Gaussian (diagonal covariance). */
  public static BivariateGaussian kinematics(int c, double nuS, double nuQ) {
    int s = sign(c);
    double a = 0.2 * nuQ;
    double shift = s * (0.5 + 0.3 * nuS);
    double sd0 = s < 0 ? 0.9 * Math.exp(a) : 0.6 * Math.exp(-a);
    double sd1 = s < 0 ? 0.6 * Math.exp(-a) : 0.4 * Math.exp(a);
    return new BivariateGaussian(shift, 0, sd0 * sd0, 0, sd1 * sd1);
  }

  /** p(y | x, c, nu) as a Gaussian. */
  public static BivariateGaussian features(double x1, double x2, int c, double nuS, double nuQ) {
    int s = sign(c);
    double b = 0.2 * nuQ;
    double drift = s * 0.3 * nuS * Math.tanh(x1);
    double m0 = Math.sin(1.5 * x1) + 0.3 * x2 + drift;
    double m1 = 0.3 * x1 * x1 - 1.2 + 0.5 * Math.sin(x2) - drift;
    double s0 = softplus(0.4 * x1 + 0.1) * Math.exp(s * b);
    double s1 = softplus(-0.2 * x1 + 0.4) * Math.exp(-s * b);
    double rho = 0.8 * Math.tanh(0.5 * (x1 + x2));
    return new BivariateGaussian(m0, m1, s0 * s0, rho * s0 * s1, s1 * s1);
  }

  private static double softplus(double v) {
    return v > 30 ? v : Math.log1p(Math.exp(v));
  }

  /** log p(x | c, nu). */
  public static double logDensityX(double[] x, int c, double nuS, double nuQ) {
    return kinematics(c, nuS, nuQ).logDensity(x[0], x[1]);
  }

  /** log p(y | x, c, nu) of simulated (undistorted) y. */
  public static double logDensityY(double[] x, double[] y, int c, double nuS, double nuQ) {
    return features(x[0], x[1], c, nuS, nuQ).logDensity(y[0], y[1]);
  }

  /** The rotation angle theta(x, c) of the distortion. */
  static double angle(double[] x, int c) {
    double norm = Math.hypot(x[0], x[1]);
    return sign(c) * 0.4 / (0.7 * norm + 0.5) * Math.tanh(x[0] / 0.5);
  }

  /** y' = D(y; x, c): the rotation by theta(x, c), then the shear. */
  public static double[] distort(double[] x, double[] y, int c) {
    double t = angle(x, c);
    double r0 = Math.cos(t) * y[0] - Math.sin(t) * y[1];
    double r1 = Math.sin(t) * y[0] + Math.cos(t) * y[1];
    double k = 0.1 * sign(c);
    return new double[] {(1 + k) * r0 - k * r1, -k * r0 + (1 + k) * r1};
  }

  /** y = D^-1(y'; x, c): the inverse shear, then the rotation by -theta(x, c). */
  public static double[] undistort(double[] x, double[] yPrime, int c) {
    double k = 0.1 * sign(c);
    double det = 1 + 2 * k;
    double r0 = ((1 + k) * yPrime[0] + k * yPrime[1]) / det;
    double r1 = (k * yPrime[0] + (1 + k) * yPrime[1]) / det;
    double t = angle(x, c);
    return new double[] {Math.cos(t) * r0 + Math.sin(t) * r1, -Math.sin(t) * r0 + Math.cos(t) * r1};
  }

  /** log |det dy'/dy| of the distortion of class c: log(1 + 0.2 s). */
  public static double logDetDistortion(int c) {
    return Math.log(1 + 0.2 * sign(c));
  }

  /**
   * n events at nu, each of class A or B with probability 1/2.
   *
   * @param distorted whether y is distorted ("data") or not (simulation)
   */
  public static Events generate(
      int n, double nuS, double nuQ, boolean distorted, RandomGenerator rng) {
    if (n < 0) {
      throw new IllegalArgumentException("n = " + n + " must be >= 0");
    }
    int[] classes = new int[n];
    for (int i = 0; i < n; i++) {
      classes[i] = rng.nextBoolean() ? 1 : 0;
    }
    return generate(classes, nuS, nuQ, distorted, rng);
  }

  /** Events of the given classes at nu (a template of fixed class composition). */
  public static Events generate(
      int[] classes, double nuS, double nuQ, boolean distorted, RandomGenerator rng) {
    BivariateGaussian[] px = {kinematics(0, nuS, nuQ), kinematics(1, nuS, nuQ)};
    int n = classes.length;
    double[][] x = new double[n][];
    double[][] y = new double[n][];
    for (int i = 0; i < n; i++) {
      int c = classes[i];
      x[i] = px[c].sample(1, rng)[0];
      double[] yi = features(x[i][0], x[i][1], c, nuS, nuQ).sample(1, rng)[0];
      y[i] = distorted ? distort(x[i], yi, c) : yi;
    }
    return new Events(x, y, classes.clone());
  }

  /**
   * log p(x_i, y_i | nu) of each event marginalized over the unknown class (1/2 each), distortion
   * removed exactly for data.
   */
  public static double[] logLikelihoods(Events events, double nuS, double nuQ, boolean distorted) {
    BivariateGaussian[] px = {kinematics(0, nuS, nuQ), kinematics(1, nuS, nuQ)};
    double[] out = new double[events.size()];
    for (int i = 0; i < out.length; i++) {
      double[] x = events.x()[i];
      double[] terms = new double[2];
      for (int c = 0; c < 2; c++) {
        double[] y = distorted ? undistort(x, events.y()[i], c) : events.y()[i];
        terms[c] =
            Math.log(0.5)
                + px[c].logDensity(x[0], x[1])
                + logDensityY(x, y, c, nuS, nuQ)
                - (distorted ? logDetDistortion(c) : 0);
      }
      double m = Math.max(terms[0], terms[1]);
      out[i] = m + Math.log(Math.exp(terms[0] - m) + Math.exp(terms[1] - m));
    }
    return out;
  }

  /** nu_shift and nu_squeeze, each with a unit Gaussian constraint, bounded to [-3, 3]. */
  public static Parameters nuisanceParameters() {
    return Parameters.of(
        Parameter.gaussian(NUISANCES[0], 0, 1, -3, 3),
        Parameter.gaussian(NUISANCES[1], 0, 1, -3, 3));
  }

  /**
   * The true negative log likelihood of the events over {@link #nuisanceParameters()}: the limit
   * any learned likelihood of the same events can reach.
   */
  public static NegLogLikelihood trueNll(Events events, boolean distorted) {
    return NegLogLikelihood.of(
        nuisanceParameters(),
        nu -> {
          double sum = 0;
          for (double l : logLikelihoods(events, nu[0], nu[1], distorted)) {
            sum += l;
          }
          return -sum;
        });
  }
}
