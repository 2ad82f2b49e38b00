package org.cnflows.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.function.BiFunction;
import org.cnflows.common.Seeds;
import org.cnflows.stats.NegLogLikelihood;
import org.cnflows.stats.toys.ToyT4;
import org.junit.jupiter.api.Test;

/**
 * The fits that split the learned kinematics' offset ({@code t4 kinematics}): a nominal density
 * composed with the true deformation is the true likelihood of x when the nominal density is the
 * true one (the affine map and its log-determinant are exact), and the simulation's Gaussians come
 * close to it on a large simulation and move away on a small one.
 */
class T4DecompositionTest {

  private static final double[][] THETAS = {{1, 0, 0}, {1.1, 0.5, -0.5}, {0.9, -1.2, 0.7}};

  @Test
  void theTrueNominalDensityWithTheTrueDeformationIsTheTrueLikelihoodOfX() {
    ToyT4.Events data = ToyT4.generate(3000, 0.5, -0.5, false, Seeds.rng(7, 1));
    NegLogLikelihood truth = T4Study.trueMixtureNll(data, false);
    BiFunction<double[][], Integer, double[]> nominal =
        (z, c) -> {
          double[] out = new double[z.length];
          for (int i = 0; i < z.length; i++) {
            out[i] = ToyT4.logDensityX(z[i], c, 0, 0);
          }
          return out;
        };
    NegLogLikelihood composed = T4Study.trueDeformationNll(data, nominal);
    for (double[] theta : THETAS) {
      assertThat(composed.value(theta)).isCloseTo(truth.value(theta), within(1e-8));
    }
  }

  @Test
  void theSimulationsGaussiansApproachTheTruthWithTheSimulationsSize() {
    ToyT4.Events data = ToyT4.generate(3000, 0.5, -0.5, false, Seeds.rng(7, 2));
    NegLogLikelihood truth = T4Study.trueMixtureNll(data, false);
    double[] small = differences(data, truth, 200);
    double[] large = differences(data, truth, 400_000);
    for (int i = 0; i < THETAS.length; i++) {
      // 400,000 events: means and variances to ~0.3%, ~1 nat over 3,000 events at most
      assertThat(large[i]).as("theta %d", i).isLessThan(1.5);
      assertThat(small[i]).as("theta %d", i).isGreaterThan(3 * large[i]);
    }
  }

  /** |NLL(simulation's Gaussians) - NLL(truth)| at each theta, up to the same constant. */
  private static double[] differences(ToyT4.Events data, NegLogLikelihood truth, int simulated) {
    ToyT4.Events nominal = ToyT4.generate(simulated, 0, 0, false, Seeds.rng(7, 3));
    NegLogLikelihood fitted = T4Study.trueDeformationNll(data, T4Study.sampleNominal(nominal));
    double[] d = new double[THETAS.length];
    for (int i = 0; i < THETAS.length; i++) {
      d[i] = Math.abs(fitted.value(THETAS[i]) - truth.value(THETAS[i]));
    }
    return d;
  }
}
