package org.cnflows.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class FitterTest {

  /** NLL = 1/2 (x - m)^T C^-1 (x - m) with C = [[4, 1.2], [1.2, 1]]: V = C exactly. */
  private static final double[][] C = {{4, 1.2}, {1.2, 1}};

  private static NegLogLikelihood gaussian2d(Parameters ps) {
    double det = C[0][0] * C[1][1] - C[0][1] * C[0][1];
    double p00 = C[1][1] / det, p01 = -C[0][1] / det, p11 = C[0][0] / det;
    return NegLogLikelihood.of(
        ps,
        x -> {
          double a = x[0] - 1.5, b = x[1] + 0.5;
          return 0.5 * (p00 * a * a + 2 * p01 * a * b + p11 * b * b);
        });
  }

  private static final Parameters TWO =
      Parameters.of(Parameter.of("a", 0, -20, 20), Parameter.of("b", 0, -20, 20));

  @Test
  void recoversMeanAndCovarianceOfAGaussianLikelihood() {
    FitResult r = Fitter.defaults().fit(gaussian2d(TWO));
    assertThat(r.status()).isEqualTo(FitStatus.CONVERGED);
    assertThat(r.value("a")).isCloseTo(1.5, within(1e-5));
    assertThat(r.value("b")).isCloseTo(-0.5, within(1e-5));
    assertThat(r.nll()).isCloseTo(0, within(1e-12));
    double[][] v = r.covariance();
    assertThat(v[0][0]).isCloseTo(4, within(1e-6));
    assertThat(v[0][1]).isCloseTo(1.2, within(1e-6));
    assertThat(v[1][1]).isCloseTo(1, within(1e-6));
    assertThat(r.error("a")).isCloseTo(2, within(1e-6));
    assertThat(r.correlations()[0][1]).isCloseTo(0.6, within(1e-6));
  }

  @Test
  void uncertaintyModesAreTheEigenvectorsOfTheCovariance() {
    UncertaintyModes m = Fitter.defaults().fit(gaussian2d(TWO)).uncertaintyModes();
    double tr = 5, det = 4 - 1.44, disc = Math.sqrt(tr * tr / 4 - det);
    assertThat(m.variances()[0]).isCloseTo(tr / 2 + disc, within(1e-5));
    assertThat(m.variances()[1]).isCloseTo(tr / 2 - disc, within(1e-5));
    for (int k = 0; k < 2; k++) {
      double[] v = m.directions()[k];
      double cv0 = C[0][0] * v[0] + C[0][1] * v[1];
      double cv1 = C[1][0] * v[0] + C[1][1] * v[1];
      assertThat(cv0).isCloseTo(m.variances()[k] * v[0], within(1e-5));
      assertThat(cv1).isCloseTo(m.variances()[k] * v[1], within(1e-5));
    }
  }

  @Test
  void fixedParametersStayAndGetNoCovariance() {
    FitResult r = Fitter.defaults().fit(gaussian2d(TWO.with("b", p -> p.fixedAt(0.5))));
    // conditional mean of a given b: 1.5 + C01/C11 (b + 0.5) = 2.7, conditional variance 4 - 1.44
    assertThat(r.value("a")).isCloseTo(2.7, within(1e-5));
    assertThat(r.value("b")).isEqualTo(0.5);
    assertThat(r.covariance()[0][0]).isCloseTo(2.56, within(1e-6));
    assertThat(r.covariance()[1][1]).isZero();
  }

  @Test
  void respectsBoundsAndFitsOneParameter() {
    Parameters one = Parameters.of(Parameter.of("mu", 1, 0, 10));
    FitResult r =
        Fitter.defaults().minimize(NegLogLikelihood.of(one, x -> 0.5 * (x[0] + 2) * (x[0] + 2)));
    assertThat(r.value("mu")).isCloseTo(0, within(1e-9));
    assertThat(r.status()).isEqualTo(FitStatus.CONVERGED);
  }

  @Test
  void constraintsEnterTheLikelihood() {
    Parameters ps =
        Parameters.of(Parameter.of("mu", 0, -10, 10), Parameter.gaussian("theta", 0.0, 1.0, -5, 5));
    // n = mu + a theta measured as 2 with sigma 1, theta ~ N(0,1): theta-hat = 0, mu-hat = 2
    double a = 0.7;
    NegLogLikelihood nll = NegLogLikelihood.of(ps, x -> 0.5 * Math.pow(2 - x[0] - a * x[1], 2));
    FitResult r = Fitter.defaults().fit(nll);
    assertThat(r.value("theta")).isCloseTo(0, within(1e-6));
    assertThat(r.error("theta")).isCloseTo(1, within(1e-5));
    assertThat(r.error("mu")).isCloseTo(Math.sqrt(1 + a * a), within(1e-5));
    List<Impact> impacts = Fitter.defaults().impacts(nll, r, "mu");
    assertThat(impacts).hasSize(1);
    assertThat(impacts.get(0).plus()).isCloseTo(-a, within(1e-5));
    assertThat(impacts.get(0).minus()).isCloseTo(a, within(1e-5));
  }

  @Test
  void aFailedFitIsAStatus() {
    Parameters one = Parameters.of(Parameter.of("x", 1, 0, 10), Parameter.of("y", 1, 0, 10));
    FitResult nan = Fitter.defaults().fit(NegLogLikelihood.of(one, x -> Double.NaN));
    assertThat(nan.status()).isEqualTo(FitStatus.NON_FINITE_NLL);
    FitResult flat =
        Fitter.defaults().fit(NegLogLikelihood.of(one, x -> -x[0] * x[0] - x[1] * x[1] + 300));
    assertThat(flat.status()).isEqualTo(FitStatus.HESSIAN_NOT_POSITIVE_DEFINITE);
    assertThatThrownBy(flat::uncertaintyModes)
        .hasMessageContaining("status = HESSIAN_NOT_POSITIVE_DEFINITE");
    FitResult budget =
        new Fitter(10, 1e-12)
            .fit(NegLogLikelihood.of(one, x -> Math.pow(x[0] - 3, 2) + Math.pow(x[1] - 4, 4)));
    assertThat(budget.status()).isEqualTo(FitStatus.MAX_EVALUATIONS);
  }

  @Test
  void parametersValidateWithMessagesThatNameTheValue() {
    assertThatThrownBy(() -> Parameter.of("mu", -3.0, 0, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("mu = -3.0 outside its bounds [0.0, 10.0]");
    assertThatThrownBy(() -> Parameter.of("mu", Double.NaN, 0, 10))
        .hasMessageContaining("mu = NaN");
    assertThatThrownBy(() -> Parameter.of("mu", 1, 2, 1)).hasMessageContaining("[2.0, 1.0]");
    assertThatThrownBy(
            () -> Parameters.of(Parameter.of("a", 0, -1, 1), Parameter.of("a", 0, -1, 1)))
        .hasMessageContaining("'a' repeated");
    assertThatThrownBy(() -> TWO.checkInside(new double[] {0, 30}))
        .hasMessageContaining("b = 30.0 outside");
    assertThatThrownBy(() -> new Constraint.Gaussian(0, -1)).hasMessageContaining("width = -1.0");
  }

  @Test
  void defaultGradientIsTheFiniteDifferenceOfTheValue() {
    NegLogLikelihood nll = gaussian2d(TWO);
    double[] g = nll.gradient(new double[] {0.5, 0.5});
    // grad = C^-1 (x - m), x - m = (-1, 1)
    double det = 4 - 1.44;
    assertThat(g[0]).isCloseTo((1 * -1 - 1.2 * 1) / det, within(1e-6));
    assertThat(g[1]).isCloseTo((-1.2 * -1 + 4 * 1) / det, within(1e-6));
  }

  @Test
  void logNormalConstraintIsTheNegativeLogDensity() {
    Constraint c = new Constraint.LogNormal(2.0, 0.3);
    org.apache.commons.math3.distribution.LogNormalDistribution d =
        new org.apache.commons.math3.distribution.LogNormalDistribution(Math.log(2), 0.3);
    double base = c.nll(2.0) + Math.log(d.density(2.0));
    for (double t : new double[] {0.5, 1.7, 3.1}) {
      assertThat(c.nll(t) + Math.log(d.density(t))).isCloseTo(base, within(1e-12));
    }
    assertThat(c.plusOneSigma()).isCloseTo(2 * Math.exp(0.3), within(1e-15));
  }

  @Test
  void logNormalFloorHoldsTheDensityBelowIt() {
    Constraint c = new Constraint.LogNormal(1, 1, 1e-3);
    double atFloor = Math.log(1e-3) + 0.5 * Math.log(1e-3) * Math.log(1e-3);
    assertThat(c.nll(1e-3)).isCloseTo(atFloor, within(1e-12));
    assertThat(c.nll(0)).isEqualTo(c.nll(1e-3));
    assertThat(c.nll(4e-4)).isEqualTo(c.nll(1e-3));
    assertThat(c.nll(0.5)).isEqualTo(new Constraint.LogNormal(1, 1).nll(0.5));
    assertThat(c.nll(-1e-9)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(new Constraint.LogNormal(1, 1).nll(0)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThatThrownBy(() -> new Constraint.LogNormal(1, 1, 2))
        .hasMessage("log-normal constraint floor = 2.0 outside [0, center = 1.0)");
  }

  /**
   * A likelihood with rounding-like noise of amplitude 1e-3 per evaluation (a hash of the point):
   * the default steps of 0.01 sigma read the noise (second differences of 5e-5), steps of half the
   * error recover the covariance C within 2%.
   */
  @Test
  void coarseStepsRecoverTheCovarianceOfANoisyLikelihood() {
    NegLogLikelihood exact = gaussian2d(TWO);
    NegLogLikelihood noisy =
        NegLogLikelihood.of(
            TWO,
            x -> {
              long bits = Double.doubleToLongBits(x[0]) * 31 + Double.doubleToLongBits(x[1]);
              double u = (new java.util.SplittableRandom(bits).nextDouble() - 0.5) * 2e-3;
              return exact.value(x) + u;
            });
    Fitter fitter = new Fitter(2000, 1e-2);
    FitResult min = fitter.minimize(noisy);
    FitResult fine = fitter.fit(noisy);
    FitResult coarse = fitter.covarianceWithSteps(noisy, min, new double[] {1.0, 0.5});
    assertThat(coarse.status()).isEqualTo(FitStatus.CONVERGED);
    double[][] v = coarse.covariance();
    assertThat(v[0][0]).isCloseTo(4, within(0.08));
    assertThat(v[0][1]).isCloseTo(1.2, within(0.03));
    assertThat(v[1][1]).isCloseTo(1, within(0.02));
    boolean fineIsOff = !fine.status().isValid() || Math.abs(fine.covariance()[0][0] - 4) > 0.4;
    assertThat(fineIsOff).as("default steps on the noisy likelihood: %s", fine).isTrue();
    assertThatThrownBy(() -> fitter.covarianceWithSteps(noisy, min, new double[] {1, 0}))
        .hasMessageContaining("step = 0.0 must be finite and > 0");
  }

  /** From 1.5 sigma away, one Newton step with coarse steps lands on the minimum of a Gaussian. */
  @Test
  void aNewtonStepFromNearbyLandsOnTheMinimum() {
    FitResult r =
        Fitter.defaults()
            .newtonStep(gaussian2d(TWO), new double[] {4.5, 1.0}, new double[] {1, 0.5});
    assertThat(r.status()).isEqualTo(FitStatus.CONVERGED);
    assertThat(r.value("a")).isCloseTo(1.5, within(1e-6));
    assertThat(r.value("b")).isCloseTo(-0.5, within(1e-6));
    assertThat(r.covariance()[0][1]).isCloseTo(1.2, within(1e-6));
    FitResult again =
        Fitter.defaults()
            .newtonStep(gaussian2d(TWO), new double[] {0, 0}, new double[] {1, 0.5}, C);
    assertThat(again.value("a")).isCloseTo(1.5, within(1e-6));
    assertThat(again.value("b")).isCloseTo(-0.5, within(1e-6));
  }
}
