package org.cnflows.stats.intervals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

class FeldmanCousinsTest {

  /** Feldman and Cousins (1998), Table IV (90% CL), column b = 0, n0 = 0..10. */
  private static final double[][] TABLE_IV_B0 = {
    {0.00, 2.44},
    {0.11, 4.36},
    {0.53, 5.91},
    {1.10, 7.42},
    {1.47, 8.60},
    {1.84, 9.99},
    {2.21, 11.47},
    {3.56, 12.53},
    {3.96, 13.99},
    {4.36, 15.30},
    {5.50, 16.50}
  };

  /** Table IV (90% CL), column b = 3, n0 = 1..10 (n0 = 0 differs: see FeldmanCousins). */
  private static final double[][] TABLE_IV_B3 = {
    {0.00, 1.88}, {0.00, 3.04}, {0.00, 4.42}, {0.00, 5.60}, {0.00, 6.99},
    {0.15, 8.47}, {0.89, 9.53}, {1.51, 10.99}, {1.88, 12.30}, {2.63, 13.50}
  };

  /** Table VI (68.27% CL), column b = 0, n0 = 0..10. */
  private static final double[][] TABLE_VI_B0 = {
    {0.00, 1.29},
    {0.37, 2.75},
    {0.74, 4.25},
    {1.10, 5.30},
    {2.34, 6.78},
    {2.75, 7.81},
    {3.82, 9.28},
    {4.25, 10.30},
    {5.30, 11.32},
    {6.33, 12.79},
    {6.78, 13.81}
  };

  private static void assertRow(Interval iv, double[] row) {
    assertThat(iv.lower()).isCloseTo(row[0], within(0.0051));
    assertThat(iv.upper()).isCloseTo(row[1], within(0.0051));
  }

  @Test
  void poissonIntervalsReproduceThePublishedTables() {
    for (int n = 0; n <= 10; n++) {
      assertRow(FeldmanCousins.poisson(n, 0, 0.9), TABLE_IV_B0[n]);
      assertRow(FeldmanCousins.poisson(n, 0, 0.6827), TABLE_VI_B0[n]);
    }
    for (int n = 1; n <= 10; n++) {
      assertRow(FeldmanCousins.poisson(n, 3, 0.9), TABLE_IV_B3[n - 1]);
    }
  }

  @Test
  void poissonAcceptanceHoldsAtLeastCl() {
    int[] a = FeldmanCousins.poissonAcceptance(4.0, 3.0, 0.9);
    org.apache.commons.math3.distribution.PoissonDistribution p =
        new org.apache.commons.math3.distribution.PoissonDistribution(7.0);
    double inside = p.cumulativeProbability(a[1]) - p.cumulativeProbability(a[0] - 1);
    assertThat(inside).isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void boundedGaussianMatchesTableXAndTheAnalyticLimits() {
    // Table X (90% CL): x0 = -3 -> [0, 0.26], -2 -> [0, 0.40], 0 -> [0, 1.64], 1 -> [0, 2.64]
    assertThat(FeldmanCousins.boundedGaussian(-3, 0.9).upper()).isCloseTo(0.26, within(0.005));
    assertThat(FeldmanCousins.boundedGaussian(-2, 0.9).upper()).isCloseTo(0.40, within(0.005));
    assertThat(FeldmanCousins.boundedGaussian(1, 0.9).upper()).isCloseTo(2.64, within(0.006));
    // x0 = 0 is x1(mu) of the region [0, 2 mu], symmetric about mu: Phi(mu) - Phi(-mu) = 0.9
    double z = new NormalDistribution().inverseCumulativeProbability(0.95);
    Interval zero = FeldmanCousins.boundedGaussian(0, 0.9);
    assertThat(zero.upper()).isCloseTo(z, within(1e-9));
    assertThat(zero.lower()).isZero();
    // far from the bound the interval is central: x0 +- 1.645
    Interval far = FeldmanCousins.boundedGaussian(6, 0.9);
    assertThat(far.lower()).isCloseTo(6 - z, within(1e-9));
    assertThat(far.upper()).isCloseTo(6 + z, within(1e-9));
    // the lower end leaves 0 where x0 passes x2(mu = 0) = Phi^-1(0.9)
    double x2 = new NormalDistribution().inverseCumulativeProbability(0.9);
    assertThat(FeldmanCousins.boundedGaussian(x2 - 1e-6, 0.9).lower()).isZero();
    assertThat(FeldmanCousins.boundedGaussian(x2 + 0.01, 0.9).lower()).isPositive();
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> FeldmanCousins.poisson(-1, 3, 0.9))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("n = -1");
    assertThatThrownBy(() -> FeldmanCousins.poisson(1, -3, 0.9)).hasMessageContaining("b = -3.0");
    assertThatThrownBy(() -> FeldmanCousins.poisson(1, 3, 1.0)).hasMessageContaining("cl = 1.0");
    assertThatThrownBy(() -> FeldmanCousins.boundedGaussian(Double.NaN, 0.9))
        .hasMessageContaining("x0 = NaN");
  }
}
