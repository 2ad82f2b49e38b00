package org.cnflows.bench.flows;

import static org.assertj.core.api.Assertions.assertThat;

import org.cnflows.flows.Activation;
import org.cnflows.flows.Flow;
import org.cnflows.flows.Flows;
import org.cnflows.flows.LayerSpec;
import org.cnflows.flows.QuadraticTransform;
import org.junit.jupiter.api.Test;

class GemmBoundTest {

  @Test
  void theCeilingCountsOneActivationPerHiddenLayerOfEachCouplingConditioner() {
    try (Flow flow = Flows.contrastivePaper(6, 0).optSeed(1).build()) {
      GemmBound bound = GemmBound.measure(flow, 4);
      assertThat(bound.activations()).isEqualTo(30 * 5);
      assertThat(bound.toString()).contains("with the 150 hidden activations");
    }
  }

  @Test
  void aMadeFlowIsBoundByItsMaskedProductsAndTwoActivationsPerResidualBlock() {
    try (Flow flow =
        Flows.autoregressive(4, 0, 3, new QuadraticTransform(3, 1e-3), 16, 2, Activation.RELU)
            .optSeed(1)
            .build()) {
      GemmBound bound = GemmBound.measure(flow, 4);
      assertThat(bound.activations()).isEqualTo(3 * 2 * 2);
      // per layer: initial 4 -> 16, two residual blocks of 16 -> 16 twice, output 16 -> 4 x 3
      assertThat(bound.forwardFlopPerEvent()).isEqualTo(3 * 2.0 * (4 * 16 + 4 * 16 * 16 + 16 * 12));
    }
  }

  @Test
  void aFactorizableResidualCountsTheMadesOfEachNuisanceAndPair() {
    try (Flow flow =
        Flow.builder()
            .setDim(2)
            .optContext(3)
            .add(new LayerSpec.FactorizableLayer(3, true, 16, 2, Activation.GELU, 3))
            .optSeed(1)
            .build()) {
      // 3 nuisances + 3 pairs, two activations per residual block
      assertThat(GemmBound.measure(flow, 4).activations()).isEqualTo((3 + 3) * 2 * 2);
    }
  }

  @Test
  void aRealNvpCountsItsDepthPerLayer() {
    try (Flow flow = Flows.realNvp(4, 0, 3, 8, 2).optSeed(1).build()) {
      assertThat(GemmBound.measure(flow, 4).activations()).isEqualTo(3 * 2);
    }
  }
}
