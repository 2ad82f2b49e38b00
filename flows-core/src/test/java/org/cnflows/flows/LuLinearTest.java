package org.cnflows.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LuLinearTest {

  private static final int D = 6;

  private static Flow flow(boolean permute) {
    return Flow.builder()
        .setDim(D)
        .add(new LayerSpec.LuLinearLayer(permute))
        .optSeed(3)
        .optDevice(Device.cpu())
        .build();
  }

  private static Map<String, float[]> values(Flow flow) {
    Map<String, float[]> map = new HashMap<>();
    for (Pair<String, Parameter> p : flow.parameters()) {
      if (!p.getValue().requiresGradient()) {
        continue;
      }
      String key = p.getKey();
      map.put(key.substring(key.lastIndexOf('_') + 1), p.getValue().getArray().toFloatArray());
    }
    return map;
  }

  @Test
  void aNewLayerOnlyPermutesUpToRoundingOfTheUnitDiagonal() {
    try (Flow flow = flow(true);
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      LuLinear layer = (LuLinear) flow.layers().get(0);
      int[] order = layer.order();
      NDArray x = FlowTesting.normal(m, 4, D, 1.0, 31);
      Transformed t = layer.forward(x, null);
      float[] xs = x.toFloatArray();
      float[] zs = t.value().toFloatArray();
      for (int r = 0; r < 4; r++) {
        for (int i = 0; i < D; i++) {
          assertThat(zs[r * D + i]).isCloseTo(xs[r * D + order[i]], within(1e-6f));
        }
      }
      assertThat(t.logDet().abs().max().getFloat()).isLessThan(1e-6f);
    }
  }

  @Test
  void weightIsPermutedLowerTimesUpperAndItsInverseIsPrecise() {
    try (Flow flow = flow(true);
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      FlowTesting.randomize(flow.parameters(), 1.0, 32);
      LuLinear layer = (LuLinear) flow.layers().get(0);
      Map<String, float[]> v = values(flow);
      int[] order = layer.order();
      double shift = Math.log(Math.expm1(1 - LuLinear.MIN_DIAGONAL));
      double[] diagonal = new double[D];
      double logDet = 0;
      for (int i = 0; i < D; i++) {
        double raw = v.get("diagonal")[i] + shift;
        double softplus = Math.max(raw, 0) + Math.log1p(Math.exp(-Math.abs(raw)));
        diagonal[i] = LuLinear.MIN_DIAGONAL + softplus;
        logDet += Math.log(diagonal[i]);
      }
      double[][] lu = new double[D][D];
      for (int i = 0; i < D; i++) {
        for (int j = 0; j < D; j++) {
          for (int k = 0; k <= Math.min(i, j); k++) {
            double l = k == i ? 1 : v.get("lower")[i * D + k];
            double u = k == j ? diagonal[k] : v.get("upper")[k * D + j];
            lu[i][j] += l * u;
          }
        }
      }
      float[] w = layer.weight(m).toFloatArray();
      double[][] weight = new double[D][D];
      for (int i = 0; i < D; i++) {
        for (int j = 0; j < D; j++) {
          weight[i][j] = lu[order[i]][j];
          assertThat((double) w[i * D + j])
              .as("W[%d][%d]", i, j)
              .isCloseTo(weight[i][j], within(1e-5));
        }
      }
      assertThat(FlowTesting.logAbsDet(weight)).isCloseTo(logDet, within(1e-9));

      NDArray x = FlowTesting.normal(m, 256, D, 3.0, 33);
      Transformed z = layer.forward(x, null);
      assertThat((double) z.logDet().getFloat(0)).isCloseTo(logDet, within(1e-5));
      Transformed back = layer.inverse(z.value(), null);
      assertThat(back.value().sub(x).abs().max().getFloat()).isLessThan(1e-5f);
      NDArray product = layer.weight(m).inverse().matMul(layer.weight(m));
      NDArray identity = m.eye(D);
      assertThat(product.sub(identity).abs().max().getFloat()).isLessThan(1e-5f);
    }
  }

  @Test
  void anOrderThatIsNotAPermutationIsNamed() {
    assertThatThrownBy(() -> new LuLinear(new int[] {0, 2, 2}, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[0, 2, 2]");
  }
}
