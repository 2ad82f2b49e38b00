package org.cnflows.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlowIOTest {

  static Flow everyLayer() {
    return Flow.builder()
        .setDim(3)
        .optContext(1)
        .optSeed(5)
        .optDevice(Device.cpu())
        .add(new LayerSpec.ActNormLayer())
        .add(new LayerSpec.CouplingLayer(new GatedAffineTransform(3), false, 8, 2, Activation.GELU))
        .add(
            new LayerSpec.CouplingLayer(
                new QuadraticTransform(5, 1e-3), true, 8, 2, Activation.GELU))
        .add(new LayerSpec.PermutationLayer(true))
        .add(new LayerSpec.LuLinearLayer(true))
        .add(new LayerSpec.AutoregressiveLayer(SplineTransform.of(4, 3), 8, 1, Activation.RELU))
        .build();
  }

  @Test
  void aLoadedFlowGivesBitIdenticalLogDensities(@TempDir Path dir) throws IOException {
    try (Flow flow = everyLayer();
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      FlowTesting.randomize(flow.parameters(), 0.4, 21);
      NDArray x = FlowTesting.normal(m, 50, 3, 1.5, 1);
      NDArray c = FlowTesting.normal(m, 50, 1, 1.0, 2);
      float[] before = flow.logProb(x, c).toFloatArray();
      FlowIO.save(flow, dir);
      try (Flow loaded = FlowIO.load(dir, Device.cpu())) {
        assertThat(loaded.logProb(x, c).toFloatArray()).containsExactly(before);
        assertThat(loaded.layerSpecs()).isEqualTo(flow.layerSpecs());
      }
      Provenance p = FlowIO.provenance(dir);
      assertThat(p.seed()).isEqualTo(5);
      assertThat(p.engine()).startsWith("PyTorch");
      assertThat(p.java()).isEqualTo(System.getProperty("java.version"));
      assertThat(Files.readString(dir.resolve(FlowIO.CONFIG)))
          .contains("\"type\": \"CouplingLayer\"");
    }
  }

  @Test
  void aParameterFileOfAnotherArchitectureIsRejectedByName(@TempDir Path dir) throws IOException {
    try (Flow flow = everyLayer()) {
      FlowIO.save(flow, dir);
    }
    String json = Files.readString(dir.resolve(FlowIO.CONFIG), StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve(FlowIO.CONFIG),
        json.replaceFirst("\"hidden\": 8", "\"hidden\": 9"),
        StandardCharsets.UTF_8);
    assertThatThrownBy(() -> FlowIO.load(dir, Device.cpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("conditioner")
        .hasMessageContaining("architecture needs");
  }

  @Test
  void truncatedAndUnknownFilesFailClearly(@TempDir Path dir) throws IOException {
    try (Flow flow = everyLayer()) {
      FlowIO.save(flow, dir);
    }
    Path bin = dir.resolve(FlowIO.PARAMETERS);
    byte[] bytes = Files.readAllBytes(bin);
    Files.write(bin, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> FlowIO.load(dir, Device.cpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("truncated");
    Files.writeString(
        dir.resolve(FlowIO.CONFIG), "{\"dim\": 2, \"layers\": [{\"type\": \"Nope\"}]}");
    assertThatThrownBy(() -> FlowIO.load(dir, Device.cpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown type");
  }

  @Test
  void layerSpecsRoundTripThroughJson() {
    try (Flow flow = everyLayer()) {
      List<LayerSpec> specs = flow.layerSpecs();
      assertThat(FlowIO.layersFromJson(FlowIO.toJson(specs))).isEqualTo(specs);
    }
  }
}
