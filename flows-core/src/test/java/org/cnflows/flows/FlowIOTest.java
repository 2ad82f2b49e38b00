package org.cnflows.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cnflows.common.DataFingerprint;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.Json;
import org.cnflows.common.ModelDirectory;
import org.cnflows.common.Provenance;
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
      ModelDirectory.Manifest saved = ModelDirectory.manifest(dir);
      assertThat(saved.type()).isEqualTo(FlowIO.TYPE);
      assertThat(saved.seed()).isEqualTo(5);
      assertThat(saved.training()).isNull();
      assertThat(saved.provenance().engine()).startsWith("DJL ").contains("PyTorch");
      assertThat(saved.provenance().java()).isEqualTo(System.getProperty("java.version"));
      assertThat(saved.provenance().library()).isEqualTo(Provenance.libraryVersion());
      assertThat(Files.readString(dir.resolve(ModelDirectory.MANIFEST)))
          .contains("\"type\": \"CouplingLayer\"");
    }
  }

  /** Rewrites a saved parameter file as format 2 (the format int, then the CRC-32 again). */
  private static void asFormat2(Path dir) throws IOException {
    Path bin = dir.resolve(FlowIO.PARAMETERS);
    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(Files.readAllBytes(bin));
    bytes.putInt(4, 2);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(bytes.array(), 0, bytes.capacity() - Long.BYTES);
    bytes.putLong(bytes.capacity() - Long.BYTES, crc.getValue());
    Files.write(bin, bytes.array());
  }

  @Test
  void aFormat2FlowLoadsUnlessItsMadesSeeAContext(@TempDir Path dir) throws IOException {
    Path conditional = dir.resolve("conditional");
    try (Flow flow = everyLayer()) {
      FlowIO.save(flow, conditional);
    }
    asFormat2(conditional);
    assertThatThrownBy(() -> FlowIO.load(conditional, Device.cpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has format 2")
        .hasMessageContaining("train the flow again");
    Path plain = dir.resolve("plain");
    try (Flow flow =
            Flow.builder()
                .setDim(3)
                .optSeed(6)
                .optDevice(Device.cpu())
                .add(
                    new LayerSpec.AutoregressiveLayer(
                        SplineTransform.of(4, 3), 8, 1, Activation.RELU))
                .build();
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      FlowTesting.randomize(flow.parameters(), 0.4, 22);
      NDArray x = FlowTesting.normal(m, 20, 3, 1.5, 3);
      float[] before = flow.logProb(x, null).toFloatArray();
      FlowIO.save(flow, plain);
      asFormat2(plain);
      try (Flow loaded = FlowIO.load(plain, Device.cpu())) {
        assertThat(loaded.logProb(x, null).toFloatArray()).containsExactly(before);
      }
    }
  }

  @Test
  void aParameterFileOfAnotherArchitectureIsRejectedByName(@TempDir Path dir) throws IOException {
    try (Flow flow = everyLayer()) {
      FlowIO.save(flow, dir);
    }
    String json = Files.readString(dir.resolve(ModelDirectory.MANIFEST), StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve(ModelDirectory.MANIFEST),
        json.replaceFirst("\"hidden\": 8", "\"hidden\": 9"),
        StandardCharsets.UTF_8);
    assertThatThrownBy(() -> FlowIO.load(dir, Device.cpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("conditioner")
        .hasMessageContaining("architecture needs");
  }

  @Test
  void damagedTruncatedAndUnknownFilesFailClearly(@TempDir Path dir) throws IOException {
    try (Flow flow = everyLayer()) {
      FlowIO.save(flow, dir);
    }
    Path bin = dir.resolve(FlowIO.PARAMETERS);
    byte[] bytes = Files.readAllBytes(bin);
    Files.write(bin, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> FlowIO.load(dir, Device.cpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is damaged: the CRC-32 of its " + (bytes.length / 2 - 8) + " bytes");
    Files.write(bin, java.util.Arrays.copyOf(bytes, 10));
    assertThatThrownBy(() -> FlowIO.load(dir, Device.cpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a cnflows parameter file");
    Path manifest = dir.resolve(ModelDirectory.MANIFEST);
    String json = Files.readString(manifest);
    Files.writeString(manifest, json.replace("\"LuLinearLayer\"", "\"Nope\""));
    assertThatThrownBy(() -> FlowIO.load(dir, Device.cpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown type");
    Files.writeString(manifest, json.replace("\"formatVersion\": 1", "\"formatVersion\": 7"));
    assertThatThrownBy(() -> FlowIO.load(dir, Device.cpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has format version 7")
        .hasMessageContaining("reads version 1");
    Files.writeString(manifest, json.replace("\"type\": \"flow\"", "\"type\": \"classifier\""));
    assertThatThrownBy(() -> FlowIO.load(dir, Device.cpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds a saved classifier, not a flow");
    Files.delete(manifest);
    assertThatThrownBy(() -> FlowIO.load(dir, Device.cpu()))
        .isInstanceOf(java.nio.file.NoSuchFileException.class)
        .hasMessageContaining("model.json is missing");
  }

  @Test
  void aTrainedFlowSavesHowItWasTrainedAndOnWhichData(@TempDir Path dir) throws IOException {
    FeatureMatrix data = FeatureMatrix.of(TrainerTest.correlated(300, 2));
    try (Flow flow = TrainerTest.realNvp(0)) {
      Trainer.fit(
          flow,
          data,
          TrainingConfig.builder()
              .optSteps(20)
              .optBatchSize(50)
              .optEvaluateEvery(10)
              .optSeed(4)
              .optKeepBest(false)
              .optAverageLast(5)
              .optListener(TrainingListener.NONE)
              .build());
      FlowIO.save(flow, dir);
    }
    ModelDirectory.Manifest m = ModelDirectory.manifest(dir);
    assertThat(m.data()).containsExactly(DataFingerprint.of(data));
    assertThat(m.data().get(0).rows()).isEqualTo(300);
    try (Flow loaded = FlowIO.load(dir, Device.cpu())) {
      TrainingRecord r = loaded.training();
      assertThat(r.maxSteps()).isEqualTo(20);
      assertThat(r.steps()).isEqualTo(20);
      assertThat(r.batchSize()).isEqualTo(50);
      assertThat(r.seed()).isEqualTo(4);
      assertThat(r.status()).isEqualTo(TrainingResult.Status.COMPLETED);
      assertThat(r.objective()).isEqualTo(MaximumLikelihood.class.getName());
      assertThat(r.data()).containsExactly(DataFingerprint.of(data));
      assertThat(r.averageLast()).isEqualTo(5);
      // a manifest written before averageLast existed reads as 0, the behaviour it had then
      JsonObject before = Json.gson().toJsonTree(r).getAsJsonObject();
      before.remove("averageLast");
      assertThat(TrainingRecord.fromJson(before).averageLast()).isZero();
      assertThat(TrainingRecord.fromJson(before).seed()).isEqualTo(4);
    }
    FeatureMatrix other = FeatureMatrix.of(TrainerTest.correlated(300, 3));
    assertThat(DataFingerprint.of(other).sha256()).isNotEqualTo(DataFingerprint.of(data).sha256());
  }

  @Test
  void layerSpecsRoundTripThroughJson() {
    try (Flow flow = everyLayer()) {
      List<LayerSpec> specs = flow.layerSpecs();
      assertThat(FlowIO.layersFromJson(FlowIO.toJson(specs))).isEqualTo(specs);
    }
  }
}
