package org.cnflows.higgsml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.cnflows.stats.Constraint;
import org.junit.jupiter.api.Test;

class NuisanceParametersTest {
  @Test
  void outOfRangeValuesAreRejectedNamingTheValue() {
    assertThatThrownBy(() -> new NuisanceParameters(1.7, 1, 0, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tes = 1.7 outside its range [0.9, 1.1]");
    assertThatThrownBy(() -> new NuisanceParameters(1, 1, -0.5, 1, 1, 1))
        .hasMessage("soft_met = -0.5 outside its range [0.0, 5.0]");
    assertThatThrownBy(() -> new NuisanceParameters(1, 1, 0, 1, 1, Double.NaN))
        .hasMessageContaining("bkg_scale = NaN");
  }

  @Test
  void drawsAreSeededClippedAndFollowThePriors() {
    SplittableRandom a = new SplittableRandom(42);
    SplittableRandom b = new SplittableRandom(42);
    int n = 20_000;
    double[] sum = new double[Nuisance.values().length];
    double[] sumSq = new double[sum.length];
    for (int k = 0; k < n; k++) {
      NuisanceParameters nu = NuisanceParameters.drawFromPriors(a);
      assertThat(NuisanceParameters.drawFromPriors(b)).isEqualTo(nu);
      for (Nuisance p : Nuisance.values()) {
        double v = nu.get(p);
        double x = p == Nuisance.SOFT_MET ? Math.log(v) : v;
        sum[p.ordinal()] += x;
        sumSq[p.ordinal()] += x * x;
      }
    }
    for (Nuisance p : Nuisance.values()) {
      double mean = sum[p.ordinal()] / n;
      double sd = Math.sqrt(sumSq[p.ordinal()] / n - mean * mean);
      if (p == Nuisance.SOFT_MET) {
        // log(soft_met) = min(g, ln 5), g ~ Normal(0, 1): mean -phi(c) + c (1 - Phi(c)) =
        // -0.02273, sd 0.95349 (closed form; numpy with 10^7 draws: -0.02206, 0.95323)
        assertThat(mean).as(p.label()).isCloseTo(-0.02273, within(4 / Math.sqrt(n)));
        assertThat(sd).as(p.label()).isCloseTo(0.95349, within(0.02));
      } else if (p == Nuisance.DIBOSON_SCALE) {
        // Normal(1, 0.25) clipped at 0 and 2 (4 sigma): practically unclipped
        assertThat(mean).as(p.label()).isCloseTo(1.0, within(4 * 0.25 / Math.sqrt(n)));
        assertThat(sd).as(p.label()).isCloseTo(0.25, within(0.01));
      } else {
        Constraint.Gaussian prior = (Constraint.Gaussian) p.constraint();
        assertThat(mean)
            .as(p.label())
            .isCloseTo(prior.center(), within(4 * prior.width() / Math.sqrt(n)));
        assertThat(sd).as(p.label()).isCloseTo(prior.width(), within(0.04 * prior.width()));
      }
    }
  }

  @Test
  void weightNormsFollowTheChallenge() {
    NuisanceParameters nu = new NuisanceParameters(1, 1, 0, 1.1, 0.5, 1.01);
    assertThat(nu.weightNorm(PhysicsProcess.HTAUTAU, 2.5)).isEqualTo(2.5);
    assertThat(nu.weightNorm(PhysicsProcess.ZTAUTAU, 2.5)).isEqualTo(1.01);
    assertThat(nu.weightNorm(PhysicsProcess.TTBAR, 2.5)).isCloseTo(1.111, within(1e-12));
    assertThat(nu.weightNorm(PhysicsProcess.DIBOSON, 2.5)).isCloseTo(0.505, within(1e-12));
    assertThatThrownBy(() -> nu.weightNorm(PhysicsProcess.HTAUTAU, -1))
        .hasMessageContaining("mu = -1");
  }
}
