package org.cnflows.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

class DevicesTest {

  @Test
  void cpuResolvesInAnyCase() {
    assertThat(Devices.resolve("cpu")).isEqualTo(Device.cpu());
    assertThat(Devices.resolve(" CPU ")).isEqualTo(Device.cpu());
  }

  @Test
  void malformedSpecificationsNameTheValue() {
    assertThatThrownBy(() -> Devices.resolve("tpu"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'tpu'");
    assertThatThrownBy(() -> Devices.resolve("cpu:1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'cpu:1'");
    assertThatThrownBy(() -> Devices.resolve("gpu:-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'gpu:-1'");
    assertThatThrownBy(() -> Devices.resolve(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aMissingGpuIsAnErrorNeverAFallback() {
    int gpus = Engine.getInstance().getGpuCount();
    assertThatThrownBy(() -> Devices.resolve("gpu:" + gpus))
        .isInstanceOf(Devices.DeviceUnavailableException.class)
        .hasMessageContaining("gpu:" + gpus)
        .hasMessageContaining(gpus + " GPU(s)");
    if (gpus == 0) {
      assertThatThrownBy(() -> Devices.resolve("gpu"))
          .isInstanceOf(Devices.DeviceUnavailableException.class);
    } else {
      assertThat(Devices.resolve("gpu")).isEqualTo(Device.gpu(0));
    }
  }

  @Test
  void systemPropertyChoosesTheDeviceAndDefaultsToCpu() {
    String old = System.getProperty(Devices.PROPERTY);
    try {
      System.clearProperty(Devices.PROPERTY);
      assertThat(Devices.fromSystemProperty()).isEqualTo(Device.cpu());
      System.setProperty(Devices.PROPERTY, "gpu:4096");
      assertThatThrownBy(Devices::fromSystemProperty)
          .isInstanceOf(Devices.DeviceUnavailableException.class)
          .hasMessageContaining("gpu:4096");
    } finally {
      if (old == null) {
        System.clearProperty(Devices.PROPERTY);
      } else {
        System.setProperty(Devices.PROPERTY, old);
      }
    }
  }

  @Test
  void engineInfoReportsTheLoadedStack() {
    EngineInfo info = EngineInfo.current();
    assertThat(info.engineName()).isEqualTo("PyTorch");
    assertThat(info.djlVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(info.engineVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(info.toString()).contains(info.djlVersion()).contains(info.engineVersion());
  }
}
