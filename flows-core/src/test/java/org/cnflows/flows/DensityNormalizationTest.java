package org.cnflows.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Flows with random parameters are normalized densities: grid integrals of exp(log p) are 1. */
class DensityNormalizationTest {

  @Test
  void couplingStackIntegratesToOneIn2D() {
    try (Flow flow =
            Flow.builder()
                .setDim(2)
                .optDevice(Device.cpu())
                .add(
                    new LayerSpec.CouplingLayer(
                        new GatedAffineTransform(3), false, 8, 2, Activation.GELU))
                .add(
                    new LayerSpec.CouplingLayer(
                        new QuadraticTransform(2, 1e-3), true, 8, 2, Activation.GELU))
                .add(
                    new LayerSpec.CouplingLayer(
                        SplineTransform.of(5, 3), false, 8, 2, Activation.RELU))
                .add(
                    new LayerSpec.CouplingLayer(
                        new AffineTransform(3), true, 8, 2, Activation.TANH))
                .build();
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      FlowTesting.randomize(flow.parameters(), 0.3, 8);
      int n = 400;
      double lo = -9, hi = 9, h = (hi - lo) / n;
      float[] grid = new float[2 * n * n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          grid[2 * (i * n + j)] = (float) (lo + (i + 0.5) * h);
          grid[2 * (i * n + j) + 1] = (float) (lo + (j + 0.5) * h);
        }
      }
      NDArray p = flow.logProb(m.create(grid, new Shape(n * n, 2)), null).exp();
      double integral = p.sum().getFloat() * h * h;
      assertThat(integral).isCloseTo(1.0, within(5e-3));
    }
  }

  @Test
  void conditionalOneDimensionalFlowIntegratesToOneForEachContext() {
    try (Flow flow =
            Flow.builder()
                .setDim(1)
                .optContext(1)
                .optDevice(Device.cpu())
                .add(
                    new LayerSpec.CouplingLayer(
                        SplineTransform.of(6, 4), true, 8, 2, Activation.RELU))
                .add(
                    new LayerSpec.CouplingLayer(
                        new QuadraticTransform(3, 1e-3), true, 8, 2, Activation.GELU))
                .build();
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      FlowTesting.randomize(flow.parameters(), 0.5, 9);
      int n = 20000;
      double lo = -15, hi = 15, h = (hi - lo) / n;
      float[] x = new float[n];
      for (int i = 0; i < n; i++) {
        x[i] = (float) (lo + (i + 0.5) * h);
      }
      for (float context : new float[] {-1.5f, 0f, 2f}) {
        float[] c = new float[n];
        java.util.Arrays.fill(c, context);
        NDArray p = flow.logProb(m.create(x, new Shape(n, 1)), m.create(c, new Shape(n, 1))).exp();
        assertThat(p.sum().getFloat() * h).as("context %s", context).isCloseTo(1.0, within(1e-3));
      }
    }
  }
}
