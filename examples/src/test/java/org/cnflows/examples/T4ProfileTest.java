package org.cnflows.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.cnflows.stats.FitResult;
import org.cnflows.stats.FitStatus;
import org.cnflows.stats.NegLogLikelihood;
import org.cnflows.stats.Parameter;
import org.cnflows.stats.Parameters;
import org.junit.jupiter.api.Test;

/**
 * The profile scan of the T4 study on a correlated Gaussian NLL, whose profile is known: 2 Delta
 * NLL = (t - mu_k)^2 / V_kk for every scanned parameter k, whatever the correlations and the
 * offsets of the others (an earlier start of the profiled parameters took each one's own offset and
 * left the profile of the third parameter far above its minimum). Points outside the scanned
 * parameter's bounds are NaN.
 */
class T4ProfileTest {

  @Test
  void theScanOfAQuadraticNllIsItsExactProfile() {
    double[] mu = {1.03, 0.48, -0.51};
    double[][] v = {{0.04, 0.004, -0.006}, {0.004, 0.0009, 0.0003}, {-0.006, 0.0003, 0.0016}};
    double[][] h = inverse(v);
    Parameters ps =
        Parameters.of(
            Parameter.of("ratio", 1, 0.05, 20),
            Parameter.of("a", 0, -3, 3),
            Parameter.of("b", 0, -0.6, 3));
    NegLogLikelihood nll =
        NegLogLikelihood.of(
            ps,
            theta -> {
              double q = 0;
              for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                  q += (theta[i] - mu[i]) * h[i][j] * (theta[j] - mu[j]);
                }
              }
              return 0.5 * q + 7;
            });
    FitResult fit = new FitResult(ps, mu, 7, v, FitStatus.CONVERGED, 1);
    double[] steps = {0.1, 0.015, 0.02};
    for (int k = 1; k <= 2; k++) {
      double sigma = Math.sqrt(v[k][k]);
      double[] grid = {mu[k] - 2 * sigma, mu[k] - sigma, mu[k], mu[k] + 1.5 * sigma};
      double[] scan = T4Study.profile(nll, fit, k, grid, steps);
      for (int i = 0; i < grid.length; i++) {
        double expected = (grid[i] - mu[k]) * (grid[i] - mu[k]) / v[k][k];
        assertThat(scan[i]).as("parameter %d, point %d", k, i).isCloseTo(expected, within(1e-6));
      }
    }
    double[] outside = T4Study.profile(nll, fit, 2, new double[] {-0.7, -0.5}, steps);
    assertThat(outside[0]).isNaN();
    assertThat(outside[1]).isCloseTo(0.01 * 0.01 / v[2][2], within(1e-6));
  }

  /** The inverse of a 3 x 3 matrix by cofactors. */
  private static double[][] inverse(double[][] m) {
    double[][] c = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        int r0 = (i + 1) % 3;
        int r1 = (i + 2) % 3;
        int c0 = (j + 1) % 3;
        int c1 = (j + 2) % 3;
        c[j][i] = m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0];
      }
    }
    double det = m[0][0] * c[0][0] + m[0][1] * c[1][0] + m[0][2] * c[2][0];
    for (double[] row : c) {
      for (int j = 0; j < 3; j++) {
        row[j] /= det;
      }
    }
    return c;
  }
}
