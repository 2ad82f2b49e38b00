package org.cnflows.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The textbook 2- and 3-node rules, exactness up to degree 2n - 1, and the refusals. */
class GaussLegendreTest {

  @Test
  void theTwoAndThreeNodeRulesAreTheTextbookOnes() {
    GaussLegendre two = GaussLegendre.of(2, -1, 1);
    assertThat(two.nodes()[0]).isCloseTo(-1 / Math.sqrt(3), within(1e-14));
    assertThat(two.nodes()[1]).isCloseTo(1 / Math.sqrt(3), within(1e-14));
    assertThat(two.weights()).containsExactly(new double[] {1, 1}, within(1e-14));
    GaussLegendre three = GaussLegendre.of(3, -1, 1);
    assertThat(three.nodes())
        .containsExactly(new double[] {-Math.sqrt(0.6), 0, Math.sqrt(0.6)}, within(1e-14));
    assertThat(three.weights())
        .containsExactly(new double[] {5.0 / 9, 8.0 / 9, 5.0 / 9}, within(1e-14));
  }

  @Test
  void eachRuleIntegratesPolynomialsOfDegreeUpTo2nMinus1ExactlyOnAnyInterval() {
    double a = -0.7;
    double b = 2.3;
    for (int n = 1; n <= 20; n++) {
      GaussLegendre rule = GaussLegendre.of(n, a, b);
      for (int k = 0; k <= 2 * n - 1; k++) {
        int power = k;
        double exact = (Math.pow(b, k + 1) - Math.pow(a, k + 1)) / (k + 1);
        assertThat(rule.integrate(v -> Math.pow(v, power)))
            .as("n = %d, x^%d", n, k)
            .isCloseTo(exact, within(1e-11 * Math.max(1, Math.abs(exact))));
      }
      // and not degree 2n: the rule is exactly as strong as it should be
      int degree = 2 * n;
      double exact = (Math.pow(b, degree + 1) - Math.pow(a, degree + 1)) / (degree + 1);
      assertThat(Math.abs(rule.integrate(v -> Math.pow(v, degree)) - exact))
          .as("n = %d, x^%d", n, 2 * n)
          .isGreaterThan(1e-9);
    }
  }

  @Test
  void badArgumentsAreRefusedByValue() {
    assertThatThrownBy(() -> GaussLegendre.of(0, -1, 1))
        .hasMessageContaining("n = 0 nodes: must be in [1, 64]");
    assertThatThrownBy(() -> GaussLegendre.of(3, 1, 1))
        .hasMessageContaining("interval [1.0, 1.0] must be finite with b > a");
    assertThatThrownBy(() -> GaussLegendre.of(3, 0, Double.POSITIVE_INFINITY))
        .hasMessageContaining("must be finite");
  }
}
