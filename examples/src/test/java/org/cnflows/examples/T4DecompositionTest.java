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
 * close to it on a large simulation and move away on a small one. The same for the y model's check
 * in {@code t4}: y held at nu with the distortion removed exactly is the true likelihood at that
 * nu, and the true nominal y density with the true deformation is the true y density.
 */
class T4DecompositionTest {

  private static final double[][] THETAS = {{1, 0, 0}, {1.1, 0.5, -0.5}, {0.9, -1.2, 0.7}};

  @Test
  void theTrueNominalDensityWithTheTrueDeformationIsTheTrueLikelihoodOfX() {
    ToyT4.Events data = ToyT4.generate(3000, 0.5, -0.5, false, Seeds.rng(7, 1));
    NegLogLikelihood truth = T4Likelihoods.trueMixtureNll(data, false);
    BiFunction<double[][], Integer, double[]> nominal =
        (z, c) -> {
          double[] out = new double[z.length];
          for (int i = 0; i < z.length; i++) {
            out[i] = ToyT4.logDensityX(z[i], c, 0, 0);
          }
          return out;
        };
    NegLogLikelihood composed = T4Likelihoods.trueDeformationNll(data, nominal);
    for (double[] theta : THETAS) {
      assertThat(composed.value(theta)).isCloseTo(truth.value(theta), within(1e-8));
    }
  }

  @Test
  void theTrueFeaturesHeldAtNuAreTheTrueLikelihoodThereAndOnlyThere() {
    ToyT4.Events data = ToyT4.generate(3000, 0.5, -0.5, true, Seeds.rng(7, 4));
    NegLogLikelihood truth = T4Likelihoods.trueMixtureNll(data, true);
    double[] theta = THETAS[1];
    NegLogLikelihood held =
        T4Likelihoods.heldFeaturesNll(
            data, T4Likelihoods.trueFeatures(new double[] {theta[1], theta[2]}));
    assertThat(held.value(theta)).isCloseTo(truth.value(theta), within(1e-8));
    // elsewhere y stays at the held nu: the likelihoods part by many nats over 3,000 events
    assertThat(Math.abs(held.value(THETAS[2]) - truth.value(THETAS[2]))).isGreaterThan(10);
  }

  @Test
  void theTrueNominalFeaturesWithTheTrueDeformationAreTheTrueFeatures() {
    ToyT4.Events data = ToyT4.generate(3000, 0.5, -0.5, true, Seeds.rng(7, 5));
    double[] nu = {0.5, -0.5};
    NegLogLikelihood truth = T4Likelihoods.heldFeaturesNll(data, T4Likelihoods.trueFeatures(nu));
    NegLogLikelihood composed =
        T4Likelihoods.heldFeaturesNll(
            data,
            T4Likelihoods.deformedFeatures(T4Likelihoods.trueFeatures(new double[] {0, 0}), nu));
    for (double[] theta : THETAS) {
      assertThat(composed.value(theta)).isCloseTo(truth.value(theta), within(1e-8));
    }
  }

  @Test
  void theSimulationsGaussiansApproachTheTruthWithTheSimulationsSize() {
    ToyT4.Events data = ToyT4.generate(3000, 0.5, -0.5, false, Seeds.rng(7, 2));
    NegLogLikelihood truth = T4Likelihoods.trueMixtureNll(data, false);
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
    NegLogLikelihood fitted =
        T4Likelihoods.trueDeformationNll(data, T4Likelihoods.sampleNominal(nominal));
    double[] d = new double[THETAS.length];
    for (int i = 0; i < THETAS.length; i++) {
      d[i] = Math.abs(fitted.value(THETAS[i]) - truth.value(THETAS[i]));
    }
    return d;
  }
}
