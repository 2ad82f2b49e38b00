package org.cnflows.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ActNormTest {

  private static final int D = 3;

  /** Each feature of every row of x has mean 0 and population standard deviation 1. */
  private static void assertStandardized(NDArray x, String what) {
    int n = (int) x.getShape().get(0);
    float[] v = x.toFloatArray();
    for (int k = 0; k < D; k++) {
      double sum = 0;
      double squares = 0;
      for (int r = 0; r < n; r++) {
        sum += v[r * D + k];
        squares += (double) v[r * D + k] * v[r * D + k];
      }
      double mean = sum / n;
      assertThat(mean).as("%s: mean of feature %d", what, k).isCloseTo(0, within(1e-5));
      assertThat(Math.sqrt(squares / n - mean * mean))
          .as("%s: std of feature %d", what, k)
          .isCloseTo(1, within(1e-4));
    }
  }

  @Test
  void initializationStandardizesWhatEachActNormSees() {
    try (Flow flow =
            Flow.builder()
                .setDim(D)
                .optContext(1)
                .add(new LayerSpec.ActNormLayer())
                .add(new LayerSpec.LuLinearLayer(true))
                .add(new LayerSpec.ActNormLayer())
                .optDevice(Device.cpu())
                .build();
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      FlowTesting.randomize(flow.parameters(), 1.0, 41);
      NDArray x =
          FlowTesting.normal(m, 200, D, 1.0, 42)
              .mul(m.create(new float[] {0.1f, 5f, 30f}))
              .add(m.create(new float[] {-3f, 100f, 0.5f}));
      NDArray c = FlowTesting.normal(m, 200, 1, 1.0, 43);

      assertThat(ActNorm.initializeFrom(flow, x, c)).isEqualTo(2);

      NDArray first = flow.layers().get(0).forward(x, c).value();
      assertStandardized(first, "after the first ActNorm");
      assertStandardized(flow.forward(x, c).value(), "after the last ActNorm");
      float[] logDet = flow.layers().get(0).forward(x, c).logDet().toFloatArray();
      double expected = -Math.log(0.1) - Math.log(5) - Math.log(30);
      assertThat((double) logDet[0]).isCloseTo(expected, within(0.3));
    }
  }

  @Test
  void constantFeaturesAndTooSmallBatchesAreNamed() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      ActNorm layer = new ActNorm(D, 0);
      layer.initialize(m);
      NDArray constant = m.create(new float[] {1, 2, 3, 4, 2, 3}, new Shape(2, D));
      assertThatThrownBy(() -> layer.initializeFrom(constant))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("feature 1");
      assertThatThrownBy(() -> layer.initializeFrom(m.ones(new Shape(1, D))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("(1, 3)");
    }
  }
}
