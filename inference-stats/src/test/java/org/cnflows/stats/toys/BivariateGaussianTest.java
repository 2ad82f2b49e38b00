package org.cnflows.stats.toys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BivariateGaussianTest {

  @Test
  void logDensityMatchesTheProductOfMarginalsWhenUncorrelated() {
    BivariateGaussian g = new BivariateGaussian(1.0, -2.0, 4.0, 0.0, 0.25);
    double x0 = 0.3;
    double x1 = -1.1;
    double expected =
        -0.5 * Math.pow((x0 - 1) / 2, 2)
            - Math.log(2 * Math.sqrt(2 * Math.PI))
            - 0.5 * Math.pow((x1 + 2) / 0.5, 2)
            - Math.log(0.5 * Math.sqrt(2 * Math.PI));
    assertThat(g.logDensity(x0, x1)).isCloseTo(expected, within(1e-12));
  }

  @Test
  void signalDensityOfToyT1IntegratesToOne() {
    BivariateGaussian g = ToyT1.SIGNAL;
    int n = 600;
    double lo0 = -16, hi0 = 10, lo1 = -18, hi1 = 23;
    double h0 = (hi0 - lo0) / n, h1 = (hi1 - lo1) / n, sum = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        sum += Math.exp(g.logDensity(lo0 + (i + 0.5) * h0, lo1 + (j + 0.5) * h1));
      }
    }
    assertThat(sum * h0 * h1).isCloseTo(1.0, within(1e-6));
  }

  @Test
  void contrastiveNormalizersOfToyT1MatchTheReference() {
    int n = 500;
    double lo0 = -16, hi0 = 12, lo1 = -14, hi1 = 22;
    double h0 = (hi0 - lo0) / n, h1 = (hi1 - lo1) / n;
    for (int k = 0; k < ToyT1.CONTRASTS.length; k++) {
      double sum = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          double x0 = lo0 + (i + 0.5) * h0, x1 = lo1 + (j + 0.5) * h1;
          double ps = Math.exp(ToyT1.SIGNAL.logDensity(x0, x1));
          double pb = Math.exp(ToyT1.BACKGROUND.logDensity(x0, x1));
          sum += Math.max(ps - ToyT1.CONTRASTS[k] * pb, 0);
        }
      }
      assertThat(sum * h0 * h1).isCloseTo(ToyT1.LAMBDA_C_REFERENCE[k], within(1e-3));
    }
  }

  @Test
  void rejectsACovarianceThatIsNotPositiveDefinite() {
    assertThatThrownBy(() -> new BivariateGaussian(0, 0, 1, 2, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("det = -3.0");
  }

  @Test
  void samplesHaveTheMeanAndCovariance() {
    double[][] x = ToyT1.BACKGROUND.sample(200_000, new java.util.SplittableRandom(3));
    double m0 = 0, m1 = 0;
    for (double[] r : x) {
      m0 += r[0];
      m1 += r[1];
    }
    m0 /= x.length;
    m1 /= x.length;
    double s00 = 0, s01 = 0, s11 = 0;
    for (double[] r : x) {
      s00 += (r[0] - m0) * (r[0] - m0);
      s01 += (r[0] - m0) * (r[1] - m1);
      s11 += (r[1] - m1) * (r[1] - m1);
    }
    int n = x.length;
    assertThat(m0).isCloseTo(-0.09, within(0.02));
    assertThat(m1).isCloseTo(5.00, within(0.04));
    assertThat(s00 / n).isCloseTo(3.30, within(0.05));
    assertThat(s01 / n).isCloseTo(2.63, within(0.08));
    assertThat(s11 / n).isCloseTo(14.23, within(0.2));
  }
}
