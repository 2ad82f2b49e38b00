package org.cnflows.higgsml.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PoissonTest {
  @ParameterizedTest
  @ValueSource(doubles = {0.02, 0.7, 3.0, 9.99, 10.0, 31.6, 1582.0})
  void meanVarianceAndZeroProbabilityMatchPoisson(double mean) {
    SplittableRandom rng = new SplittableRandom(11);
    int n = 100_000;
    double sum = 0;
    double sumSq = 0;
    int zeros = 0;
    for (int i = 0; i < n; i++) {
      int k = Poisson.sample(rng, mean);
      sum += k;
      sumSq += (double) k * k;
      zeros += k == 0 ? 1 : 0;
    }
    double m = sum / n;
    double var = sumSq / n - m * m;
    assertThat(m).isCloseTo(mean, within(5 * Math.sqrt(mean / n)));
    // the variance estimate's sd is ~ sqrt((2 mean^2 + mean) / n)
    assertThat(var).isCloseTo(mean, within(5 * Math.sqrt((2 * mean * mean + mean) / n)));
    double p0 = Math.exp(-mean);
    assertThat(zeros / (double) n).isCloseTo(p0, within(5 * Math.sqrt(p0 * (1 - p0) / n) + 1e-9));
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 10, 63, 64, 100, 1000, 100_000})
  void logFactorialIsExact(long k) {
    double direct = 0;
    for (long i = 2; i <= k; i++) {
      direct += Math.log(i);
    }
    assertThat(Poisson.logFactorial(k)).isCloseTo(direct, within(1e-9 * Math.max(1, direct)));
  }
}
