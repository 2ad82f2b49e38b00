package org.cnflows.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeedsTest {

  @Test
  void streamsDependOnlyOnSeedAndIndices() {
    assertThat(Seeds.rng(7, 3, 4).nextLong()).isEqualTo(Seeds.rng(7, 3, 4).nextLong());
    assertThat(Seeds.derive(7, 3, 4)).isNotEqualTo(Seeds.derive(7, 4, 3));
    assertThat(Seeds.derive(7)).isNotEqualTo(Seeds.derive(7, 0));
  }

  @Test
  void neighbouringIndicesGiveDistinctSeeds() {
    Set<Long> seen = new HashSet<>();
    for (long i = 0; i < 10_000; i++) {
      seen.add(Seeds.derive(1, i));
    }
    assertThat(seen).hasSize(10_000);
  }

  @Test
  void firstDrawsOfNeighbouringStreamsAreUncorrelated() {
    int n = 20_000;
    double sxy = 0;
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < n; i++) {
      double x = Seeds.rng(5, i).nextDouble();
      double y = Seeds.rng(5, i + 1).nextDouble();
      sx += x;
      sy += y;
      sxy += x * y;
      sxx += x * x;
      syy += y * y;
    }
    double cov = sxy / n - sx / n * sy / n;
    double r = cov / Math.sqrt((sxx / n - sx * sx / n / n) * (syy / n - sy * sy / n / n));
    assertThat(Math.abs(r)).isLessThan(4 / Math.sqrt(n));
  }
}
