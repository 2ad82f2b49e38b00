package org.cnflows.stats.toys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.distribution.MultivariateNormalDistribution;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.assertj.core.api.SoftAssertions;
import org.cnflows.stats.toys.ToyT2.Nuisance;
import org.junit.jupiter.api.Test;

/** Toy T2 (Elsharkawy and Kahn 2025, Sec. 5, Eq. 12) against its analytic properties. */
class ToyT2Test {

  static final ToyT2 TOY = ToyT2.DEFAULT;

  @Test
  void sampleMomentsMatchTheAnalyticMeanAndCovariance() {
    SoftAssertions soft = new SoftAssertions();
    int n = 200_000;
    long seed = 5;
    for (Nuisance nuisance : Nuisance.values()) {
      for (double phi : new double[] {0, 0.4, -0.6}) {
        for (boolean signal : new boolean[] {true, false}) {
          ToyT2.Gaussian g = TOY.density(signal, nuisance, phi);
          double[][] x = g.sample(n, seed++);
          double[] mean = g.mean();
          double[][] cov = g.covariance();
          double[] m = new double[ToyT2.DIM];
          for (double[] row : x) {
            for (int i = 0; i < m.length; i++) {
              m[i] += row[i] / n;
            }
          }
          for (int i = 0; i < m.length; i++) {
            double se = Math.sqrt(cov[i][i] / n);
            soft.assertThat(m[i])
                .as("%s phi = %s signal = %s: mean[%d]", nuisance, phi, signal, i)
                .isCloseTo(mean[i], within(5 * se));
            for (int j = 0; j <= i; j++) {
              double c = 0;
              for (double[] row : x) {
                c += (row[i] - m[i]) * (row[j] - m[j]) / (n - 1);
              }
              double seCov = Math.sqrt((cov[i][i] * cov[j][j] + cov[i][j] * cov[i][j]) / n);
              soft.assertThat(c)
                  .as("%s phi = %s signal = %s: cov[%d][%d]", nuisance, phi, signal, i, j)
                  .isCloseTo(cov[i][j], within(5 * seCov));
            }
          }
        }
      }
    }
    soft.assertAll();
  }

  /**
   * The Bayes decision on equal mixtures of 100,000 events per class reaches the reference 0.823
   * (standard error 0.0009) at several phi of both nuisances; the same events decide the same at
   * phi = 0 for both nuisances.
   */
  @Test
  void bayesAccuracyIsTheReferenceAtEveryPhiForBothNuisances() {
    SoftAssertions soft = new SoftAssertions();
    int n = 100_000;
    for (Nuisance nuisance : Nuisance.values()) {
      for (double phi : new double[] {-Math.PI / 5, 0, 0.3, Math.PI / 2}) {
        double[][] s = TOY.sample(true, nuisance, phi, n, 101);
        double[][] b = TOY.sample(false, nuisance, phi, n, 102);
        double correct = 0;
        for (boolean d : TOY.bayesDecision(nuisance, phi, s)) {
          correct += d ? 1 : 0;
        }
        for (boolean d : TOY.bayesDecision(nuisance, phi, b)) {
          correct += d ? 0 : 1;
        }
        double accuracy = correct / (2.0 * n);
        System.out.printf("T2 %s phi = %.3f: Bayes accuracy %.4f%n", nuisance, phi, accuracy);
        soft.assertThat(accuracy)
            .as("%s phi = %s", nuisance, phi)
            .isCloseTo(ToyT2.BAYES_ACCURACY_REFERENCE, within(0.004));
      }
    }
    soft.assertAll();
  }

  /**
   * log p agrees with commons-math3's multivariate normal, and with T1's 2-D density times the N(0,
   * B B^T) density of the extra dimensions once Q and R(phi) are undone (Eq. 12).
   */
  @Test
  void logDensityAgreesWithIndependentEvaluations() {
    double[][] extra = TOY.extraCovariance();
    MultivariateNormalDistribution extraDensity =
        new MultivariateNormalDistribution(new double[8], extra);
    for (Nuisance nuisance : Nuisance.values()) {
      for (double phi : new double[] {0, 0.5, -1.1}) {
        for (boolean signal : new boolean[] {true, false}) {
          ToyT2.Gaussian g = TOY.density(signal, nuisance, phi);
          MultivariateNormalDistribution reference =
              new MultivariateNormalDistribution(g.mean(), g.covariance());
          RealMatrix qt = new Array2DRowRealMatrix(TOY.embedding(nuisance, phi)).transpose();
          double angle = nuisance == Nuisance.ROTATION ? phi : 0;
          BivariateGaussian t1 = signal ? ToyT1.SIGNAL : ToyT1.BACKGROUND;
          for (double[] x : g.sample(50, 7)) {
            double logP = g.logDensity(x);
            assertThat(logP).isCloseTo(Math.log(reference.density(x)), within(1e-9));
            double[] y = qt.operate(x);
            double y0 = Math.cos(angle) * y[0] + Math.sin(angle) * y[1];
            double y1 = -Math.sin(angle) * y[0] + Math.cos(angle) * y[1];
            double[] rest = new double[8];
            System.arraycopy(y, 2, rest, 0, 8);
            double factorized = t1.logDensity(y0, y1) + Math.log(extraDensity.density(rest));
            assertThat(logP).as("%s phi = %s", nuisance, phi).isCloseTo(factorized, within(1e-9));
          }
        }
      }
    }
  }

  /** Q is orthogonal, the same for both nuisances at phi = 0, and continuous in phi. */
  @Test
  void embeddingIsOrthogonalAndContinuous() {
    double[][] q0 = TOY.embedding(Nuisance.SUBSPACE, 0);
    assertThat(TOY.embedding(Nuisance.ROTATION, 0.7)).isDeepEqualTo(q0);
    RealMatrix q = new Array2DRowRealMatrix(TOY.embedding(Nuisance.SUBSPACE, 0.3));
    RealMatrix product = q.multiply(q.transpose());
    for (int i = 0; i < ToyT2.DIM; i++) {
      for (int j = 0; j < ToyT2.DIM; j++) {
        assertThat(product.getEntry(i, j)).isCloseTo(i == j ? 1 : 0, within(1e-12));
      }
    }
    double step = 1e-4;
    for (double phi = -Math.PI / 5; phi < Math.PI / 5; phi += 0.01) {
      double[][] a = TOY.embedding(Nuisance.SUBSPACE, phi);
      double[][] b = TOY.embedding(Nuisance.SUBSPACE, phi + step);
      double max = 0;
      for (int i = 0; i < ToyT2.DIM; i++) {
        for (int j = 0; j < ToyT2.DIM; j++) {
          max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
        }
      }
      assertThat(max).as("change of Q over d phi = %s at phi = %s", step, phi).isLessThan(1e-2);
    }
  }

  @Test
  void sameSeedSameToyOtherSeedOtherToy() {
    assertThat(new ToyT2(ToyT2.DEFAULT_SEED).extraCovariance())
        .isDeepEqualTo(TOY.extraCovariance());
    assertThat(new ToyT2(ToyT2.DEFAULT_SEED + 1).extraCovariance())
        .isNotEqualTo(TOY.extraCovariance());
    assertThat(TOY.sample(true, Nuisance.ROTATION, 0.2, 3, 9))
        .isDeepEqualTo(TOY.sample(true, Nuisance.ROTATION, 0.2, 3, 9));
  }

  @Test
  void badInputIsRejectedWithTheValue() {
    assertThatThrownBy(() -> TOY.density(true, Nuisance.ROTATION, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("phi = NaN");
    assertThatThrownBy(() -> TOY.embedding(Nuisance.SUBSPACE, Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("phi = Infinity");
    assertThatThrownBy(() -> TOY.sample(false, Nuisance.SUBSPACE, 0.1, -3, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("n = -3");
    assertThatThrownBy(() -> TOY.density(true, Nuisance.ROTATION, 0).logDensity(new double[3]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 values");
  }
}
