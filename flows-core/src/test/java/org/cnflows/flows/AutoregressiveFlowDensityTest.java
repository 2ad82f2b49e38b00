package org.cnflows.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * A flow of the thesis's T3 shape (random permutations and masked rational-quadratic autoregressive
 * layers, 10 bins, tail bound 7, 2 residual blocks, ReLU, context = z; narrower here) with random
 * parameters is a density for every context: it integrates to 1 on a grid.
 */
class AutoregressiveFlowDensityTest {

  @Test
  void aConditionalSplineFlowIntegratesToOne() {
    Flow.Builder builder = Flow.builder().setDim(2).optContext(1).optDevice(Device.cpu());
    for (int i = 0; i < 4; i++) {
      builder
          .add(new LayerSpec.PermutationLayer(true))
          .add(
              new LayerSpec.AutoregressiveLayer(SplineTransform.of(10, 7), 16, 2, Activation.RELU));
    }
    try (Flow flow = builder.build();
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      FlowTesting.randomize(flow.parameters(), 0.1, 51);
      int side = 120;
      double low = -10;
      double step = 20.0 / side;
      float[] grid = new float[side * side * 2];
      for (int i = 0; i < side; i++) {
        for (int j = 0; j < side; j++) {
          grid[2 * (i * side + j)] = (float) (low + (i + 0.5) * step);
          grid[2 * (i * side + j) + 1] = (float) (low + (j + 0.5) * step);
        }
      }
      NDArray x = m.create(grid, new Shape(side * side, 2));
      for (float z : new float[] {0.2f, 1.4f}) {
        NDArray context = m.full(new Shape(side * side, 1), z);
        NDArray logProb = flow.logProb(x, context);
        double mass = logProb.exp().sum().getFloat() * step * step;
        assertThat(mass).as("mass at context %s", z).isCloseTo(1, within(2e-3));
        NDArray standardNormal = x.square().sum(new int[] {1}).mul(-0.5).sub(Math.log(2 * Math.PI));
        assertThat(logProb.sub(standardNormal).abs().max().getFloat())
            .as("the flow is not the base density")
            .isGreaterThan(0.1f);
      }
    }
  }
}
