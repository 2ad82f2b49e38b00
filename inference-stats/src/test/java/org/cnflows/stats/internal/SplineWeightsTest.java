package org.cnflows.stats.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.analysis.interpolation.SplineInterpolator;
import org.apache.commons.math3.analysis.polynomials.PolynomialSplineFunction;
import org.junit.jupiter.api.Test;

class SplineWeightsTest {

  @Test
  void matchesCommonsMathNaturalSpline() {
    double[] x = {-3, -2.2, -1, 0, 0.5, 1.7, 3};
    double[] y = {2, 1.1, -0.4, 0.3, 0.9, 0.2, -1};
    PolynomialSplineFunction ref = new SplineInterpolator().interpolate(x, y);
    SplineWeights sw = new SplineWeights(x);
    for (double t = -3; t <= 3; t += 0.137) {
      double[] w = sw.weights(t);
      double s = 0;
      for (int j = 0; j < w.length; j++) {
        s += w[j] * y[j];
      }
      assertThat(s).isCloseTo(ref.value(t), within(1e-12));
    }
    assertThat(sw.weights(0.5)[4]).isCloseTo(1, within(1e-15));
  }

  @Test
  void twoKnotsInterpolateLinearly() {
    double[] w = new SplineWeights(new double[] {1, 3}).weights(1.5);
    assertThat(w).containsExactly(0.75, 0.25);
  }

  @Test
  void rejectsPointsOutsideTheKnots() {
    assertThatThrownBy(() -> new SplineWeights(new double[] {0, 1, 2}).weights(2.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("t = 2.5");
    assertThatThrownBy(() -> new SplineWeights(new double[] {0, 1, 1}))
        .hasMessageContaining("knots[2] = 1.0");
  }
}
