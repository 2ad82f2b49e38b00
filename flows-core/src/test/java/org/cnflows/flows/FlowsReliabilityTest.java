package org.cnflows.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.cnflows.common.FeatureMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of flows-core under bad or extreme input (issue 15, flows half): every case either
 * gives a finite, usable value or fails with a message naming the value. One test per case; the
 * issue's cases first, then this suite's own.
 */
class FlowsReliabilityTest {

  private static final TrainingConfig SHORT =
      TrainingConfig.builder()
          .optSteps(20)
          .optBatchSize(64)
          .optEvaluateEvery(10)
          .optSeed(1)
          .optListener(TrainingListener.NONE)
          .build();

  private static final FeatureMatrix DATA = FeatureMatrix.of(TrainerTest.correlated(400, 7));

  static Stream<Arguments> recipes() {
    return Stream.of(
        Arguments.of("RealNVP", (Supplier<Flow.Builder>) () -> Flows.realNvp(2, 0, 4, 16, 2)),
        Arguments.of(
            "spline coupling",
            (Supplier<Flow.Builder>) () -> Flows.neuralSplineCoupling(2, 0, 4, 8, 5, 16, 2)),
        Arguments.of(
            "gated/quadratic (CNF paper)",
            (Supplier<Flow.Builder>) () -> Flows.gatedQuadratic(2, 0, 4, 16, 2)),
        Arguments.of(
            "MAF",
            (Supplier<Flow.Builder>)
                () ->
                    Flows.autoregressive(2, 0, 2, new AffineTransform(3), 16, 1, Activation.RELU)),
        Arguments.of("thesis spline", (Supplier<Flow.Builder>) () -> Flows.thesisSpline(2, 0)),
        Arguments.of(
            "ActNorm + LU linear + affine",
            (Supplier<Flow.Builder>)
                () ->
                    Flow.builder()
                        .setDim(2)
                        .add(new LayerSpec.ActNormLayer())
                        .add(new LayerSpec.LuLinearLayer(true))
                        .add(
                            new LayerSpec.CouplingLayer(
                                new AffineTransform(3), true, 16, 2, Activation.GELU))));
  }

  private static NDArray row(NDManager m, float a, float b) {
    return m.create(new float[] {a, b}, new Shape(1, 2));
  }

  /** Issue: +-1e30 gave -Infinity and +-Float.MAX_VALUE NaN (or -Infinity), for every recipe. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("recipes")
  void extremeFiniteInputsAreRefusedAndTheLimitItselfIsFinite(
      String name, Supplier<Flow.Builder> recipe) {
    try (Flow flow = recipe.get().optDevice(Device.cpu()).build();
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      Trainer.fit(flow, DATA, SHORT).requireSuccess();
      for (float v : new float[] {1e30f, -1e30f, Float.MAX_VALUE, -Float.MAX_VALUE}) {
        assertThatThrownBy(() -> flow.logProb(row(m, 0.5f, v), null))
            .as("%s at %s", name, v)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage(
                "x[0, 1] = "
                    + v
                    + " is outside the range of flow inputs, |value| <= 1.0E8"
                    + " (standardize the features)");
      }
      float atOrigin = flow.logProb(row(m, 0, 0), null).getFloat(0);
      for (float v : new float[] {1e8f, -1e8f}) {
        float atLimit = flow.logProb(row(m, v, v), null).getFloat(0);
        assertThat(atLimit).as("%s at %s", name, v).isFinite().isLessThan(atOrigin);
      }
    }
  }

  /** Issue: float64 or int32 input gave PyTorch's "mat1 and mat2 must have the same dtype". */
  @Test
  void otherDataTypesAreRefusedByName() {
    try (Flow flow = Flows.realNvp(2, 1, 2, 8, 1).optDevice(Device.cpu()).build();
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      NDArray context = m.create(new float[] {0.5f}, new Shape(1, 1));
      assertThatThrownBy(
              () -> flow.logProb(m.create(new double[] {1, 2}, new Shape(1, 2)), context))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "x has data type float64; flows compute in float32:"
                  + " convert with toType(DataType.FLOAT32, false)");
      assertThatThrownBy(() -> flow.logProb(m.create(new int[] {1, 2}, new Shape(1, 2)), context))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("x has data type int32; flows compute in float32");
      NDArray x = row(m, 1, 2);
      assertThatThrownBy(() -> flow.logProb(x, m.create(new double[] {0.5}, new Shape(1, 1))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("context has data type float64");
      assertThatThrownBy(() -> flow.inverse(x.toType(DataType.FLOAT64, false), context.duplicate()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("x has data type float64");
    }
  }

  /**
   * Issue: a manager reused across logProb calls grew by every intermediate of every call (292
   * arrays, 3.1 MB per call for gatedQuadratic(8, 0, 8, 64, 2) at batch 256) even when the caller
   * closed input and result. Now only the result is left in the caller's manager.
   */
  @Test
  void aLongLivedManagerKeepsOnlyWhatTheCallerKeeps() {
    try (Flow flow = Flows.gatedQuadratic(3, 1, 4, 16, 2).optDevice(Device.cpu()).build();
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      int flowArrays = flow.manager().getManagedArrays().size();
      for (int call = 0; call < 200; call++) {
        try (NDArray x = FlowTesting.normal(m, 32, 3, 1.0, call);
            NDArray c = FlowTesting.normal(m, 32, 1, 1.0, call + 1000);
            NDArray c8 = FlowTesting.normal(m, 8, 1, 1.0, call + 2000);
            NDArray logProb = flow.logProb(x, c)) {
          assertThat(m.getManagedArrays()).hasSize(4);
          Transformed z = flow.forward(x, c);
          Transformed back = flow.inverse(z.value(), c);
          NDArray drawn = flow.sample(m, 8, c8, call);
          assertThat(m.getManagedArrays()).hasSize(4 + 2 + 2 + 1);
          z.value().close();
          z.logDet().close();
          back.value().close();
          back.logDet().close();
          drawn.close();
          assertThat(logProb.getShape()).isEqualTo(new Shape(32));
        }
      }
      assertThat(m.getManagedArrays()).isEmpty();
      assertThat(flow.manager().getManagedArrays()).hasSize(flowArrays);
    }
  }

  /** The sub-scope of logProb frees intermediates; autograd must still see every one of them. */
  @Test
  void gradientsThroughTheCheckedLogProbEqualThoseOfTheTrustedOne() {
    try (Flow flow = Flows.gatedQuadratic(2, 0, 4, 16, 2).optDevice(Device.cpu()).build();
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      FlowTesting.randomize(flow.parameters(), 0.3, 5);
      float[][] checked = gradients(flow, m, true);
      float[][] trusted = gradients(flow, m, false);
      for (int i = 0; i < checked.length; i++) {
        assertThat(checked[i]).as("parameter %d", i).containsExactly(trusted[i]);
      }
      double size = 0;
      for (float[] g : checked) {
        for (float v : g) {
          size += Math.abs(v);
        }
      }
      assertThat(size).isPositive();
    }
  }

  private static float[][] gradients(Flow flow, NDManager m, boolean checked) {
    List<Parameter> parameters = flow.trainableParameters();
    try (NDManager step = m.newSubManager()) {
      NDArray x = FlowTesting.normal(step, 64, 2, 1.0, 9);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray logProb = checked ? flow.logProb(x, null) : flow.logProbTrusted(x, null);
        System.gc();
        collector.backward(logProb.mean());
      }
      float[][] out = new float[parameters.size()][];
      for (int i = 0; i < out.length; i++) {
        NDArray g = parameters.get(i).getArray().getGradient();
        out[i] = g.toFloatArray();
        g.subi(g);
      }
      return out;
    }
  }

  private static Path savedFlow(Path dir) throws IOException {
    try (Flow flow = Flows.realNvp(2, 0, 2, 8, 1).optDevice(Device.cpu()).build()) {
      FlowTesting.randomize(flow.parameters(), 0.3, 2);
      FlowIO.save(flow, dir);
    }
    return dir.resolve(FlowIO.PARAMETERS);
  }

  /** Offset of the byte-length field of the first parameter, and of its first value. */
  private static int[] firstParameter(byte[] file) throws IOException {
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(file))) {
      in.readInt();
      in.readInt();
      in.readInt();
      in.readUTF();
      in.readUTF();
      int rank = in.readInt();
      for (int i = 0; i < rank; i++) {
        in.readLong();
      }
      int lengthAt = file.length - in.available();
      return new int[] {lengthAt, lengthAt + 4};
    }
  }

  private static void rewriteChecksum(byte[] file) {
    CRC32 crc = new CRC32();
    crc.update(file, 0, file.length - 8);
    ByteBuffer.wrap(file).putLong(file.length - 8, crc.getValue());
  }

  /** Issue: one flipped data byte loaded silently and gave wrong densities. */
  @Test
  void aFlippedDataByteFailsTheChecksum(@TempDir Path dir) throws IOException {
    Path bin = savedFlow(dir);
    byte[] file = Files.readAllBytes(bin);
    file[firstParameter(file)[1] + 2] ^= 0x01;
    Files.write(bin, file);
    assertThatThrownBy(() -> FlowIO.load(dir, Device.cpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            bin + " is damaged: the CRC-32 of its " + (file.length - 8) + " bytes")
        .hasMessageContaining("restore it from a copy or save the flow again");
  }

  /** Issue: a NaN in the file loaded silently and gave NaN densities. */
  @Test
  void aNonFiniteParameterIsRefusedAtLoadByName(@TempDir Path dir) throws IOException {
    Path bin = savedFlow(dir);
    byte[] file = Files.readAllBytes(bin);
    int values = firstParameter(file)[1];
    ByteBuffer.wrap(file).order(java.nio.ByteOrder.nativeOrder()).putFloat(values + 4, Float.NaN);
    rewriteChecksum(file);
    Files.write(bin, file);
    String first;
    try (Flow flow = Flows.realNvp(2, 0, 2, 8, 1).optDevice(Device.cpu()).build()) {
      first = flow.parameters().get(0).getKey();
    }
    assertThatThrownBy(() -> FlowIO.load(dir, Device.cpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            bin
                + ": parameter '"
                + first
                + "' holds NaN at index 1; a flow with a non-finite parameter has no usable"
                + " density");
  }

  /** Issue: a flipped byte of a length field was reported as "truncated". */
  @Test
  void aFlippedLengthFieldIsReportedAsDamagedNotTruncated(@TempDir Path dir) throws IOException {
    Path bin = savedFlow(dir);
    byte[] file = Files.readAllBytes(bin);
    file[firstParameter(file)[0] + 2] ^= 0x10;
    Files.write(bin, file);
    assertThatThrownBy(() -> FlowIO.load(dir, Device.cpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is damaged")
        .hasMessageNotContaining("truncated");
    rewriteChecksum(file);
    Files.write(bin, file);
    assertThatThrownBy(() -> FlowIO.load(dir, Device.cpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageMatching(".*parameter '.*' declares \\d+ bytes, its shape \\(.*\\) needs \\d+");
  }

  /** Issue: training on a constant column ran to a collapsed flow with no warning. */
  @Test
  void aConstantFeatureIsRefusedByName() {
    float[][] rows = TrainerTest.correlated(300, 3);
    for (float[] r : rows) {
      r[1] = 3f;
    }
    try (Flow flow = Flows.realNvp(2, 0, 2, 8, 1).optDevice(Device.cpu()).build()) {
      FeatureMatrix data = FeatureMatrix.of(rows);
      assertThatThrownBy(() -> Trainer.fit(flow, data, SHORT))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "source 0: feature '"
                  + data.names().get(1)
                  + "' (column 1) is 3.0 in all 300 rows; a flow fitted to a constant collapses"
                  + " onto it: drop the column");
    }
  }

  /** Issue: training on one row ran to an overfitted flow with no warning. */
  @Test
  void tooFewRowsAreRefusedWithTheMinimum() {
    try (Flow flow = Flows.realNvp(2, 0, 2, 8, 1).optDevice(Device.cpu()).build()) {
      FeatureMatrix one = FeatureMatrix.of(TrainerTest.correlated(1, 3));
      assertThatThrownBy(() -> Trainer.fit(flow, one, SHORT))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "source 0 has 1 row; training needs at least 5 with validationFraction = 0.1"
                  + " (2 to train on, 1 held out; optValidationFraction(0) holds none out)");
      TrainingConfig noValidation =
          TrainingConfig.builder()
              .optSteps(2)
              .optValidationFraction(0)
              .optListener(TrainingListener.NONE)
              .build();
      assertThatThrownBy(() -> Trainer.fit(flow, one, noValidation))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("source 0 has 1 row; training needs at least 2");
      FeatureMatrix two = FeatureMatrix.of(TrainerTest.correlated(2, 3));
      assertThat(Trainer.fit(flow, two, noValidation).status())
          .isEqualTo(TrainingResult.Status.COMPLETED);
    }
  }

  @Test
  void theMinimumRowsFollowTheValidationSplit() {
    int[] expected = {2, 5, 3, 4, 4};
    double[] fractions = {0, 0.1, 0.25, 0.5, 0.6};
    for (int i = 0; i < fractions.length; i++) {
      TrainingConfig config =
          TrainingConfig.builder()
              .optValidationFraction(fractions[i])
              .optListener(TrainingListener.NONE)
              .build();
      int n = config.minimumRows();
      assertThat(n).as("fraction %s", fractions[i]).isEqualTo(expected[i]);
      FeatureMatrix[] parts = FeatureMatrix.of(TrainerTest.correlated(n, 1)).split(fractions[i], 3);
      assertThat(parts[0].size()).isGreaterThanOrEqualTo(2);
      assertThat(parts[1] == null).isEqualTo(fractions[i] == 0);
      FeatureMatrix[] fewer =
          FeatureMatrix.of(TrainerTest.correlated(n - 1, 1)).split(fractions[i], 3);
      assertThat(fewer[0].size() < 2 || (fractions[i] > 0 && fewer[1] == null)).isTrue();
    }
  }

  /** Own case: data beyond the input range would train a flow that cannot evaluate them. */
  @Test
  void trainingDataBeyondTheInputRangeAreRefused() {
    float[][] rows = TrainerTest.correlated(300, 3);
    rows[17][0] = 2e9f;
    try (Flow flow = Flows.realNvp(2, 0, 2, 8, 1).optDevice(Device.cpu()).build()) {
      assertThatThrownBy(() -> Trainer.fit(flow, FeatureMatrix.of(rows), SHORT))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "source 0: x[17, 0] = 2.0E9 is outside the range of flow inputs, |value| <= 1.0E8"
                  + " (standardize the features)");
    }
  }

  /** Own case: an in-range input that a flow scales beyond float32 is refused, not -Infinity. */
  @Test
  void aLogDensityBeyondFloat32IsRefusedNamingTheRow() {
    try (Flow flow =
            Flow.builder()
                .setDim(2)
                .add(new LayerSpec.ActNormLayer())
                .optDevice(Device.cpu())
                .build();
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      for (Pair<String, Parameter> p : flow.parameters()) {
        if (p.getKey().endsWith("logScale")) {
          p.getValue().getArray().set(new float[] {-40, -40});
        }
      }
      NDArray x = m.create(new float[] {0, 0, 1e8f, 1}, new Shape(2, 2));
      assertThatThrownBy(() -> flow.logProb(x, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "log p(x[1]) = -Infinity: the flow maps row 1 beyond the float32 range, so it has"
                  + " no usable density there");
      assertThat(flow.logProbTrusted(x, null).getFloat(0)).isFinite();
    }
  }

  /** Own case: a flow whose parameters became NaN is not saved as if it were usable. */
  @Test
  void aFlowWithANonFiniteParameterIsNotSaved(@TempDir Path dir) {
    try (Flow flow = Flows.realNvp(2, 0, 2, 8, 1).optDevice(Device.cpu()).build()) {
      Pair<String, Parameter> last = flow.parameters().get(flow.parameters().size() - 1);
      NDArray a = last.getValue().getArray();
      float[] values = a.toFloatArray();
      values[values.length - 1] = Float.POSITIVE_INFINITY;
      a.set(values);
      assertThatThrownBy(() -> FlowIO.save(flow, dir))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "cannot save the flow: parameter '"
                  + last.getKey()
                  + "' holds Infinity at index "
                  + (values.length - 1)
                  + "; a flow with a non-finite parameter has no usable density");
      assertThat(dir.resolve(FlowIO.PARAMETERS)).doesNotExist();
    }
  }

  /** Own case: a null source is named, not a NullPointerException deep in the loop. */
  @Test
  void aNullSourceIsNamed() {
    try (Flow flow = Flows.realNvp(2, 0, 2, 8, 1).optDevice(Device.cpu()).build()) {
      assertThatThrownBy(
              () ->
                  Trainer.train(
                      flow, new MaximumLikelihood(), Arrays.asList((FeatureMatrix) null), SHORT))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("source 0 is null");
    }
  }
}
