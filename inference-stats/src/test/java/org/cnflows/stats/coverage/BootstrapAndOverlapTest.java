package org.cnflows.stats.coverage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.random.RandomGenerator;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.cnflows.common.Seeds;
import org.cnflows.stats.intervals.Interval;
import org.junit.jupiter.api.Test;

class BootstrapAndOverlapTest {

  /** Mean bootstrap coverage of xbar* +- sigma/sqrt(n) over many Gaussian test sets. */
  private static double bootstrapCoverage(int testSize, int n, long seed) {
    int testSets = 400;
    double sum = 0;
    for (int t = 0; t < testSets; t++) {
      RandomGenerator rng = Seeds.rng(seed, t);
      double[] x = new double[testSize];
      for (int i = 0; i < testSize; i++) {
        x[i] = rng.nextGaussian();
      }
      CoverageReport r =
          BootstrapCoverage.run(
              testSize,
              n,
              100,
              0.0,
              rng,
              idx -> {
                double m = 0;
                for (int i : idx) {
                  m += x[i];
                }
                m /= idx.length;
                double h = 1 / Math.sqrt(idx.length);
                return new Interval(m, m - h, m + h, false, false);
              });
      sum += r.coverage();
    }
    return sum / testSets;
  }

  private static double expected(int testSize, int n) {
    double a = 1 / Math.sqrt((double) n / testSize + (testSize - 1.0) / testSize);
    return 2 * new NormalDistribution().cumulativeProbability(a) - 1;
  }

  @Test
  void bootstrapCoverageIsBiasedLowForSmallK() {
    // thesis Sec. 4.1: about 0.52 at k = 1, about 0.65 at k = 9
    assertThat(bootstrapCoverage(100, 100, 1)).isCloseTo(expected(100, 100), within(0.04));
    assertThat(bootstrapCoverage(900, 100, 2)).isCloseTo(expected(900, 100), within(0.04));
    assertThat(expected(100, 100)).isCloseTo(0.52, within(0.01));
    assertThat(expected(900, 100)).isCloseTo(0.657, within(0.01));
  }

  @Test
  void overlapOfShiftedGaussiansIsOneMinusTheirTotalVariation() {
    int n = 4001;
    double[] a = new double[n];
    double[] b = new double[n];
    double d = 0.8;
    for (int i = 0; i < n; i++) {
      double t = -10 + 20.0 * i / (n - 1);
      a[i] = 0.5 * t * t;
      b[i] = 0.5 * (t - d) * (t - d) + 123.0;
    }
    double expected = 2 * new NormalDistribution().cumulativeProbability(-d / 2);
    assertThat(Overlap.of(a, b)).isCloseTo(expected, within(1e-6));
    assertThat(Overlap.of(a, a)).isCloseTo(1, within(1e-15));
    assertThat(Overlap.of(new double[][] {{0, 800}}, new double[][] {{800, 0}}))
        .isCloseTo(0, within(1e-15));
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> Overlap.of(new double[] {0, 1}, new double[] {0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 and 1");
    assertThatThrownBy(() -> Overlap.of(new double[0], new double[0]))
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> BootstrapCoverage.run(0, 1, 1, 0, null, idx -> null))
        .hasMessageContaining("testSize = 0");
  }
}
