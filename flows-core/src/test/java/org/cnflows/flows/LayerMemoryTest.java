package org.cnflows.flows;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Applying a layer leaves nothing in the flow's own manager: every array a call creates, including
 * those derived from parameters (masked weights, LU factors, scales), belongs to the manager of the
 * batch and is freed with it.
 */
class LayerMemoryTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.cnflows.flows.BijectionContractTest#layers")
  void repeatedCallsDoNotGrowTheFlowsManager(String name, LayerSpec spec) {
    int context = BijectionContractTest.contexts(spec)[1];
    try (Flow flow =
            Flow.builder()
                .setDim(BijectionContractTest.DIM)
                .optContext(context)
                .add(spec)
                .optDevice(Device.cpu())
                .build();
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      int before = flow.manager().getManagedArrays().size();
      for (int i = 0; i < 5; i++) {
        try (NDManager batch = m.newSubManager()) {
          NDArray x = FlowTesting.normal(batch, 4, BijectionContractTest.DIM, 1.0, i);
          NDArray c = FlowTesting.normal(batch, 4, context, 1.0, i + 100);
          flow.inverse(flow.forward(x, c).value(), c);
        }
      }
      assertThat(flow.manager().getManagedArrays()).as(name).hasSize(before);
    }
  }
}
