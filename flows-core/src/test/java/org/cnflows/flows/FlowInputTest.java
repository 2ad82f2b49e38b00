package org.cnflows.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Bad input to a flow fails with a message naming the shape, or the first bad row and column. */
class FlowInputTest {

  @Test
  void badShapesAndValuesAreNamed() {
    try (Flow flow = Flows.thesisSpline(2, 1).optDevice(Device.cpu()).build();
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      assertThat(flow.layers()).hasSize(7);
      var x = m.create(new float[] {0, 1, 2, 3, 4, 5}, new Shape(3, 2));
      var c = m.create(new float[] {0.1f, 0.2f, 0.3f}, new Shape(3, 1));
      assertThat(flow.logProb(x, c).getShape()).isEqualTo(new Shape(3));
      assertThatThrownBy(() -> flow.logProb(m.create(new float[6], new Shape(2, 3)), c))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("x has shape (2, 3), expected (N, 2)");
      assertThatThrownBy(() -> flow.logProb(x, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("needs a context of shape (3, 1)");
      assertThatThrownBy(() -> flow.logProb(x, m.create(new float[2], new Shape(2, 1))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("context has shape (2, 1), expected (3, 1)");
      var nan =
          m.create(new float[] {0, 1, 2, Float.NaN, 4, Float.POSITIVE_INFINITY}, new Shape(3, 2));
      assertThatThrownBy(() -> flow.logProb(nan, c))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("x[1, 1] = NaN is not finite");
      var badContext = m.create(new float[] {0.1f, Float.NEGATIVE_INFINITY, 0.3f}, new Shape(3, 1));
      assertThatThrownBy(() -> flow.sample(m, 3, badContext, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("context[1, 0] = -Infinity");
    }
    try (Flow flow = Flows.realNvp(2, 0, 2, 8, 1).optDevice(Device.cpu()).build();
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      var x = m.create(new float[] {0, 1}, new Shape(1, 2));
      assertThatThrownBy(() -> flow.logProb(x, m.create(new float[] {1}, new Shape(1, 1))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("flow without context");
    }
  }
}
