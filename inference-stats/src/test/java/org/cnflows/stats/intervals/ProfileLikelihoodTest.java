package org.cnflows.stats.intervals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.cnflows.stats.Fitter;
import org.cnflows.stats.NegLogLikelihood;
import org.cnflows.stats.Parameter;
import org.cnflows.stats.Parameters;
import org.junit.jupiter.api.Test;

class ProfileLikelihoodTest {

  private static final double SIGMA = 2.0;
  private static final double[] DATA = sample(50, 3.0, SIGMA, 11);

  static double[] sample(int n, double mean, double sigma, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = mean + sigma * rng.nextGaussian();
    }
    return x;
  }

  private static NegLogLikelihood gaussianMean(double lower) {
    return NegLogLikelihood.of(
        Parameters.of(Parameter.of("m", Math.max(0, lower + 1), lower, 20)),
        t -> {
          double s = 0;
          for (double x : DATA) {
            s += (x - t[0]) * (x - t[0]);
          }
          return s / (2 * SIGMA * SIGMA);
        });
  }

  private static double mean() {
    double s = 0;
    for (double x : DATA) {
      s += x;
    }
    return s / DATA.length;
  }

  @Test
  void wilksIntervalOfAGaussianMeanIsMeanPlusMinusZSigma() {
    ProfileLikelihood pl = new ProfileLikelihood(gaussianMean(-20), Fitter.defaults());
    double se = SIGMA / Math.sqrt(DATA.length);
    for (double cl : new double[] {0.6827, 0.9, 0.95}) {
      double z = new NormalDistribution().inverseCumulativeProbability((1 + cl) / 2);
      Interval iv = pl.interval("m", cl, true);
      assertThat(iv.lower()).isCloseTo(mean() - z * se, within(1e-9));
      assertThat(iv.upper()).isCloseTo(mean() + z * se, within(1e-9));
      assertThat(iv.lowerAtBound()).isFalse();
    }
  }

  @Test
  void anIntervalStopsAtABound() {
    double bound = mean() - 0.1;
    ProfileLikelihood pl = new ProfileLikelihood(gaussianMean(bound), Fitter.defaults());
    Interval iv = pl.interval("m", 0.6827, true);
    assertThat(iv.lower()).isEqualTo(bound);
    assertThat(iv.lowerAtBound()).isTrue();
    assertThat(iv.upperAtBound()).isFalse();
  }

  /** 3-D Gaussian: profiling gives the marginal covariance, fixing the conditional one. */
  private static final double[][] C = {{1.0, 0.5, 0.3}, {0.5, 2.0, -0.4}, {0.3, -0.4, 1.5}};

  private static NegLogLikelihood gaussian3d() {
    org.ejml.simple.SimpleMatrix p = new org.ejml.simple.SimpleMatrix(C).invert();
    double[] m = {0.2, -0.1, 0.4};
    return NegLogLikelihood.of(
        Parameters.of(
            Parameter.of("a", 0, -10, 10),
            Parameter.of("b", 0, -10, 10),
            Parameter.of("c", 0, -10, 10)),
        t -> {
          double q = 0;
          for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
              q += (t[i] - m[i]) * p.get(i, j) * (t[j] - m[j]);
            }
          }
          return 0.5 * q;
        });
  }

  @Test
  void profiledAndFixedIntervalsOfACorrelatedGaussian() {
    ProfileLikelihood pl = new ProfileLikelihood(gaussian3d(), Fitter.defaults());
    Interval prof = pl.interval("a", 0.682689492137086, true);
    assertThat(prof.lower()).isCloseTo(0.2 - 1.0, within(1e-6));
    assertThat(prof.upper()).isCloseTo(0.2 + 1.0, within(1e-6));
    double conditional = 1 / new org.ejml.simple.SimpleMatrix(C).invert().get(0, 0);
    Interval fixed = pl.interval("a", 0.682689492137086, false);
    assertThat(fixed.minusError()).isCloseTo(Math.sqrt(conditional), within(1e-6));
    assertThat(fixed.plusError()).isCloseTo(Math.sqrt(conditional), within(1e-6));
  }

  @Test
  void twoDimensionalProfiledScanIsTheMarginalQuadraticForm() {
    ProfileLikelihood pl = new ProfileLikelihood(gaussian3d(), Fitter.defaults());
    double[] ga = {-0.5, 0.2, 1.1};
    double[] gb = {-1.0, 0.7};
    double[][] scan = pl.scan2d("a", ga, "b", gb, true);
    org.ejml.simple.SimpleMatrix pab =
        new org.ejml.simple.SimpleMatrix(new double[][] {{C[0][0], C[0][1]}, {C[1][0], C[1][1]}})
            .invert();
    for (int i = 0; i < ga.length; i++) {
      for (int j = 0; j < gb.length; j++) {
        double da = ga[i] - 0.2, db = gb[j] + 0.1;
        double q = pab.get(0, 0) * da * da + 2 * pab.get(0, 1) * da * db + pab.get(1, 1) * db * db;
        assertThat(scan[i][j]).isCloseTo(0.5 * q, within(1e-7));
      }
    }
  }

  @Test
  void wilksThresholdsForOneAndTwoDof() {
    assertThat(Wilks.threshold(0.682689492137086, 1)).isCloseTo(0.5, within(1e-12));
    assertThat(Wilks.threshold(0.95, 1))
        .isCloseTo(0.5 * 1.959963984540054 * 1.959963984540054, within(1e-12));
    for (double cl : new double[] {0.3, 0.6827, 0.9, 0.99}) {
      // chi2 with 2 dof: F(x) = 1 - exp(-x/2), so x/2 = -ln(1 - cl)
      assertThat(Wilks.threshold(cl, 2)).isCloseTo(-Math.log(1 - cl), within(1e-9));
    }
    assertThatThrownBy(() -> Wilks.threshold(1.2, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cl = 1.2");
    assertThatThrownBy(() -> Wilks.threshold(0.5, 0)).hasMessageContaining("dof = 0");
  }

  @Test
  void poissonIntervalIsAsymmetricAndEndsAtTheThreshold() {
    int n = 5;
    NegLogLikelihood nll =
        NegLogLikelihood.of(
            Parameters.of(Parameter.of("s", 1, 0, 50)), t -> t[0] - n * Math.log(t[0]));
    ProfileLikelihood pl = new ProfileLikelihood(nll, Fitter.defaults());
    Interval iv = pl.interval("s", 0.682689492137086, true);
    double min = n - n * Math.log(n);
    assertThat(iv.lower() - n * Math.log(iv.lower()) - min).isCloseTo(0.5, within(1e-9));
    assertThat(iv.upper() - n * Math.log(iv.upper()) - min).isCloseTo(0.5, within(1e-9));
    assertThat(iv.plusError()).isGreaterThan(iv.minusError());
    assertThat(iv.estimate()).isCloseTo(5, within(1e-5));
  }

  @Test
  void quarticFitVariantIsExactForAQuadraticAndCloseForPoisson() {
    ProfileLikelihood pl = new ProfileLikelihood(gaussianMean(-20), Fitter.defaults());
    double[] grid = new double[41];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = 1.5 + 3.0 * i / 40;
    }
    Interval poly = ProfileLikelihood.polynomialInterval(grid, pl.scan("m", grid, true), 0.5, 4);
    double se = SIGMA / Math.sqrt(DATA.length);
    assertThat(poly.lower()).isCloseTo(mean() - se, within(1e-8));
    assertThat(poly.upper()).isCloseTo(mean() + se, within(1e-8));
    assertThat(poly.estimate()).isCloseTo(mean(), within(1e-8));

    int n = 50;
    double[] g = new double[60];
    double[] d = new double[60];
    for (int i = 0; i < g.length; i++) {
      g[i] = 38 + 24.0 * i / 59;
      d[i] = g[i] - n * Math.log(g[i]);
    }
    Interval p = ProfileLikelihood.polynomialInterval(g, d, 0.5, 4);
    double min = n - n * Math.log(n);
    assertThat(p.lower() - n * Math.log(p.lower()) - min).isCloseTo(0.5, within(2e-3));
    assertThat(p.upper() - n * Math.log(p.upper()) - min).isCloseTo(0.5, within(2e-3));
  }
}
