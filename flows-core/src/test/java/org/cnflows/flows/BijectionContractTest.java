package org.cnflows.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every bijection keeps, run against each layer type with random (non-identity)
 * parameters, with and without context: round trip, log-determinant equal to the autograd
 * Jacobian's, finite values for inputs spanning +-1e6, and a gradient for every parameter. A layer
 * conditioned on nuisances (the last context columns) runs with contexts of 2 and 3 columns instead
 * of 0 and 2, with non-zero nuisances.
 */
class BijectionContractTest {

  static final int DIM = 5;

  static Stream<Arguments> layers() {
    Activation gelu = Activation.GELU;
    return Stream.of(
        Arguments.of(
            "affine", new LayerSpec.CouplingLayer(new AffineTransform(3), false, 16, 2, gelu)),
        Arguments.of(
            "gated", new LayerSpec.CouplingLayer(new GatedAffineTransform(3), true, 16, 2, gelu)),
        Arguments.of(
            "quadratic",
            new LayerSpec.CouplingLayer(new QuadraticTransform(3, 1e-3), false, 16, 2, gelu)),
        Arguments.of(
            "spline",
            new LayerSpec.CouplingLayer(SplineTransform.of(6, 4), true, 16, 2, Activation.RELU)),
        Arguments.of("permutation", new LayerSpec.PermutationLayer(true)),
        // Randomized weights are not scaled by fan-in: a wider MADE drives spline bins to slopes
        // near the minimum, where float32 inversion loses ~1e-7 |z| / slope in the last feature.
        Arguments.of(
            "autoregressive spline",
            new LayerSpec.AutoregressiveLayer(SplineTransform.of(6, 4), 4, 1, Activation.RELU)),
        Arguments.of(
            "autoregressive affine (MAF)",
            new LayerSpec.AutoregressiveLayer(new AffineTransform(3), 8, 2, gelu)),
        Arguments.of("LU linear", new LayerSpec.LuLinearLayer(true)),
        Arguments.of("ActNorm", new LayerSpec.ActNormLayer()),
        Arguments.of(
            "factorizable residual", new LayerSpec.FactorizableLayer(2, true, 8, 1, gelu, 3.0)));
  }

  /** The context widths a layer is tested with: it needs at least its nuisances. */
  static int[] contexts(LayerSpec spec) {
    return spec instanceof LayerSpec.FactorizableLayer ? new int[] {2, 3} : new int[] {0, 2};
  }

  private static Flow flowOf(LayerSpec spec, int context) {
    return Flow.builder()
        .setDim(DIM)
        .optContext(context)
        .add(spec)
        .optSeed(7)
        .optDevice(Device.cpu())
        .build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layers")
  void roundTripAndLogDetMatchTheJacobian(String name, LayerSpec spec) {
    for (int context : contexts(spec)) {
      try (Flow flow = flowOf(spec, context);
          NDManager m = NDManager.newBaseManager(Device.cpu())) {
        FlowTesting.randomize(flow.parameters(), 0.5, 11);
        Bijection layer = flow.layers().get(0);
        NDArray x = FlowTesting.normal(m, 64, DIM, 2.0, 3);
        NDArray c = context == 0 ? null : FlowTesting.normal(m, 64, context, 1.0, 4);
        Transformed fwd = layer.forward(x, c);
        Transformed back = layer.inverse(fwd.value(), c);
        float[] xs = x.toFloatArray();
        float[] rt = back.value().toFloatArray();
        for (int i = 0; i < xs.length; i++) {
          assertThat((double) rt[i])
              .as("%s round trip at %d", name, i)
              .isCloseTo(xs[i], within(1e-4));
        }
        float[] ld = fwd.logDet().toFloatArray();
        float[] ldInv = back.logDet().toFloatArray();
        double[] jac = FlowTesting.autogradLogDet(x, in -> layer.forward(in, c).value());
        for (int r = 0; r < ld.length; r++) {
          assertThat((double) ld[r])
              .as("%s log det row %d", name, r)
              .isCloseTo(jac[r], within(1e-3));
          assertThat((double) ldInv[r])
              .as("%s inverse log det row %d", name, r)
              .isCloseTo(-ld[r], within(1e-3));
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layers")
  void extremeInputsGiveFiniteValues(String name, LayerSpec spec) {
    int context = contexts(spec)[0];
    try (Flow flow = flowOf(spec, context);
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      FlowTesting.randomize(flow.parameters(), 0.5, 12);
      Bijection layer = flow.layers().get(0);
      float[] values = new float[8 * DIM];
      double[] scales = {-1e6, -1e3, -10, -1e-6, 0, 1e-6, 10, 1e6};
      for (int r = 0; r < 8; r++) {
        for (int k = 0; k < DIM; k++) {
          values[r * DIM + k] = (float) (scales[r] * (k % 2 == 0 ? 1 : -1));
        }
      }
      NDArray x = m.create(values, new Shape(8, DIM));
      NDArray c = context == 0 ? null : FlowTesting.normal(m, 8, context, 1.0, 14);
      Transformed fwd = layer.forward(x, c);
      Transformed inv = layer.inverse(x, c);
      for (NDArray a : List.of(fwd.value(), fwd.logDet(), inv.value(), inv.logDet())) {
        for (float v : a.toFloatArray()) {
          assertThat(Float.isFinite(v)).as("%s gives a finite value, got %s", name, v).isTrue();
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layers")
  void everyParameterReceivesAGradient(String name, LayerSpec spec) {
    try (Flow flow = flowOf(spec, 2);
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      assumeTrue(flow.trainableSize() > 0, name + " has no trainable parameters");
      FlowTesting.randomize(flow.parameters(), 0.5, 13);
      NDArray x = FlowTesting.normal(m, 128, DIM, 2.0, 5);
      NDArray c = FlowTesting.normal(m, 128, 2, 1.0, 6);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(flow.logProbTrusted(x, c).mean());
      }
      for (Pair<String, Parameter> p : flow.parameters()) {
        if (!p.getValue().requiresGradient()) {
          continue;
        }
        NDArray g = p.getValue().getArray().getGradient();
        assertThat(g.abs().sum().getFloat())
            .as("%s: gradient of %s", name, p.getKey())
            .isPositive();
        assertThat(g.isNaN().any().getBoolean()).isFalse();
      }
    }
  }
}
