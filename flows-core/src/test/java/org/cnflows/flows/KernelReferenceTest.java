package org.cnflows.flows;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The flow kernels give the values they gave before their per-operation rewrite (issue 16): for
 * fixed seeded flows of every layer type with random parameters, the log-density of fixed inputs
 * and the inverse (values and log-determinant) of fixed latents, against {@code
 * kernel_reference.csv}, which {@link #evaluate} wrote with the kernels of commit ed4e8c3 (the
 * autoregressive and mixed flows again when the conditional MADE gained its context-only hidden
 * units, which changed those functions on purpose). Inputs have a standard deviation of 3, so the
 * quadratic and spline maps' linear tails are exercised.
 */
class KernelReferenceTest {

  /** Tolerance, absolute below 1 and relative above: float32 rounding of a 4-layer flow. */
  private static final double TOLERANCE = 1e-5;

  /** Rows per evaluated batch. */
  static final int ROWS = 32;

  /** Features of every reference flow (odd, so the coupling halves differ in width). */
  static final int DIM = 5;

  /** The reference flows, by name, with their context width. */
  static Flow build(String name) {
    Activation gelu = Activation.GELU;
    Flow.Builder builder =
        switch (name) {
          case "gatedQuadratic" -> Flows.gatedQuadratic(DIM, 2, 4, 16, 2);
          case "realNvp" -> Flows.realNvp(DIM, 0, 3, 16, 2);
          case "splineCoupling" -> Flows.neuralSplineCoupling(DIM, 2, 2, 6, 4, 16, 2);
          case "autoregressive" ->
              Flows.autoregressive(DIM, 2, 2, SplineTransform.of(6, 4), 8, 1, Activation.RELU);
          case "mixed" ->
              Flow.builder()
                  .setDim(DIM)
                  .optContext(3)
                  .add(new LayerSpec.ActNormLayer())
                  .add(new LayerSpec.LuLinearLayer(true))
                  .add(new LayerSpec.PermutationLayer(true))
                  .add(new LayerSpec.FactorizableLayer(2, true, 8, 1, gelu, 3.0))
                  .add(
                      new LayerSpec.CouplingLayer(
                          new AffineTransform(3), true, 8, 1, Activation.TANH));
          default -> throw new IllegalArgumentException(name);
        };
    return builder.optSeed(11).optDevice(Device.cpu()).build();
  }

  /**
   * The reference quantities of one flow: for each row, log p(x | c), then the D values of f^-1(z;
   * c) and its log-determinant.
   */
  static double[][] evaluate(String name) {
    try (Flow flow = build(name);
        NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      FlowTesting.randomize(flow.parameters(), 0.5, 5);
      int c = flow.contextDim();
      NDArray x = FlowTesting.normal(manager, ROWS, DIM, 3, 1);
      NDArray z = FlowTesting.normal(manager, ROWS, DIM, 1.5, 2);
      NDArray context = c == 0 ? null : FlowTesting.normal(manager, ROWS, c, 1, 3);
      float[] logProb = flow.logProb(x, context).toFloatArray();
      Transformed inverse = flow.inverse(z, context);
      float[] values = inverse.value().toFloatArray();
      float[] logDet = inverse.logDet().toFloatArray();
      double[][] rows = new double[ROWS][DIM + 2];
      for (int i = 0; i < ROWS; i++) {
        rows[i][0] = logProb[i];
        for (int k = 0; k < DIM; k++) {
          rows[i][1 + k] = values[i * DIM + k];
        }
        rows[i][DIM + 1] = logDet[i];
      }
      return rows;
    }
  }

  private static Map<String, List<double[]>> read() throws IOException {
    Map<String, List<double[]>> byFlow = new LinkedHashMap<>();
    for (String[] fields : FlowTesting.csvRows("/kernel_reference.csv")) {
      double[] values =
          Arrays.stream(fields, 1, fields.length).mapToDouble(Double::parseDouble).toArray();
      byFlow.computeIfAbsent(fields[0], k -> new ArrayList<>()).add(values);
    }
    return byFlow;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"gatedQuadratic", "realNvp", "splineCoupling", "autoregressive", "mixed"})
  void theKernelsGiveTheReferenceValues(String name) throws IOException {
    List<double[]> expected = read().get(name);
    double[][] actual = evaluate(name);
    assertThat(expected).hasSize(ROWS);
    for (int i = 0; i < ROWS; i++) {
      for (int k = 0; k < DIM + 2; k++) {
        double e = expected.get(i)[k];
        assertThat(FlowTesting.deviation(actual[i][k], e))
            .as("%s row %d column %d: %s vs %s", name, i, k, actual[i][k], e)
            .isLessThanOrEqualTo(TOLERANCE);
      }
    }
  }
}
