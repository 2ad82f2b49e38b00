package org.cnflows.stats.toys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.cnflows.stats.FitResult;
import org.cnflows.stats.FitStatus;
import org.cnflows.stats.Fitter;
import org.junit.jupiter.api.Test;

class ToyT4Test {

  @Test
  void theDistortionInvertsAndItsLogDetMatchesTheNumericalJacobian() {
    SplittableRandom rng = new SplittableRandom(1);
    for (int trial = 0; trial < 200; trial++) {
      double[] x = {3 * rng.nextGaussian(), 3 * rng.nextGaussian()};
      double[] y = {2 * rng.nextGaussian(), 2 * rng.nextGaussian()};
      int c = trial % 2;
      double[] back = ToyT4.undistort(x, ToyT4.distort(x, y, c), c);
      assertThat(back[0]).isCloseTo(y[0], within(1e-12));
      assertThat(back[1]).isCloseTo(y[1], within(1e-12));
      double h = 1e-6;
      double[][] j = new double[2][2];
      for (int k = 0; k < 2; k++) {
        double[] up = y.clone();
        double[] down = y.clone();
        up[k] += h;
        down[k] -= h;
        double[] a = ToyT4.distort(x, up, c);
        double[] b = ToyT4.distort(x, down, c);
        j[0][k] = (a[0] - b[0]) / (2 * h);
        j[1][k] = (a[1] - b[1]) / (2 * h);
      }
      double det = j[0][0] * j[1][1] - j[0][1] * j[1][0];
      assertThat(Math.log(det)).isCloseTo(ToyT4.logDetDistortion(c), within(1e-8));
    }
  }

  /**
   * The draws follow the stated densities: x of each class has the stated mean and variances, and y
   * whitened by the Cholesky factor of its conditional covariance is N(0, I).
   */
  @Test
  void drawsFollowTheDensities() {
    int n = 40000;
    double nuS = 0.8;
    double nuQ = -1.2;
    ToyT4.Events e = ToyT4.generate(n, nuS, nuQ, false, new SplittableRandom(2));
    for (int c = 0; c < 2; c++) {
      BivariateGaussian g = ToyT4.kinematics(c, nuS, nuQ);
      double[] sum = new double[2];
      double[] sq = new double[2];
      double[] w = new double[3];
      int count = 0;
      for (int i = 0; i < n; i++) {
        if (e.classes()[i] != c) {
          continue;
        }
        count++;
        double[] x = e.x()[i];
        sum[0] += x[0];
        sum[1] += x[1];
        sq[0] += (x[0] - g.mean0()) * (x[0] - g.mean0());
        sq[1] += (x[1] - g.mean1()) * (x[1] - g.mean1());
        BivariateGaussian py = ToyT4.features(x[0], x[1], c, nuS, nuQ);
        double l00 = Math.sqrt(py.var0());
        double l10 = py.cov01() / l00;
        double l11 = Math.sqrt(py.var1() - l10 * l10);
        double z0 = (e.y()[i][0] - py.mean0()) / l00;
        double z1 = (e.y()[i][1] - py.mean1() - l10 * z0) / l11;
        w[0] += z0 * z1;
        w[1] += z0 * z0;
        w[2] += z1 * z1;
      }
      assertThat(count).isBetween(n / 2 - 500, n / 2 + 500);
      double tolerance = 5 / Math.sqrt(count);
      assertThat(sum[0] / count).isCloseTo(g.mean0(), within(tolerance * Math.sqrt(g.var0())));
      assertThat(sum[1] / count).isCloseTo(g.mean1(), within(tolerance * Math.sqrt(g.var1())));
      assertThat(sq[0] / count / g.var0()).isCloseTo(1, within(7 * tolerance));
      assertThat(sq[1] / count / g.var1()).isCloseTo(1, within(7 * tolerance));
      assertThat(w[0] / count).isCloseTo(0, within(tolerance));
      assertThat(w[1] / count).isCloseTo(1, within(7 * tolerance));
      assertThat(w[2] / count).isCloseTo(1, within(7 * tolerance));
    }
  }

  @Test
  void theSignedShiftAndSqueezeMoveTheClassesApart() {
    BivariateGaussian a = ToyT4.kinematics(0, 1, 1);
    BivariateGaussian b = ToyT4.kinematics(1, 1, 1);
    assertThat(a.mean0()).isCloseTo(-0.8, within(1e-12));
    assertThat(b.mean0()).isCloseTo(0.8, within(1e-12));
    assertThat(a.determinant()).isCloseTo(0.9 * 0.9 * 0.6 * 0.6, within(1e-12));
    assertThat(b.determinant()).isCloseTo(0.6 * 0.6 * 0.4 * 0.4, within(1e-12));
    assertThatThrownBy(() -> ToyT4.sign(2)).hasMessageContaining("class = 2");
  }

  /**
   * The true likelihood of 20,000 distorted events at the reference nu (+0.5, -0.5): the fit is
   * within 4 sigma, and sigma is the reference's limit on 100,000 events (0.0063 / 0.0066) scaled
   * by sqrt(5), within 10%.
   */
  @Test
  void theTrueLikelihoodRecoversTheInjectedNuisancesWithTheReferenceWidth() {
    double[] nu = ToyT4.REFERENCE_NU;
    ToyT4.Events data = ToyT4.generate(20000, nu[0], nu[1], true, new SplittableRandom(3));
    FitResult fit = Fitter.defaults().fit(ToyT4.trueNll(data, true));
    assertThat(fit.status()).isEqualTo(FitStatus.CONVERGED);
    double[] limit = {0.0063 * Math.sqrt(5), 0.0066 * Math.sqrt(5)};
    for (int k = 0; k < 2; k++) {
      String name = ToyT4.NUISANCES[k];
      System.out.printf(
          "T4 true likelihood, 20k events: %s = %.4f +- %.4f (injected %.1f)%n",
          name, fit.value(name), fit.error(name), nu[k]);
      assertThat(fit.error(name)).isCloseTo(limit[k], within(0.1 * limit[k]));
      assertThat(fit.value(name)).isCloseTo(nu[k], within(4 * fit.error(name)));
    }
  }
}
