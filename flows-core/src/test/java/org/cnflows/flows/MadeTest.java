package org.cnflows.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class MadeTest {

  private static final int D = 4;
  private static final int C = 2;
  private static final int P = 3;

  private static Made made(NDManager m, int contextDim, int hidden) {
    Made made = new Made(D, contextDim, hidden, 2, P, Activation.RELU, 5);
    made.initialize(m, DataType.FLOAT32, new Shape(1, D));
    return made;
  }

  @Test
  void outputsOfFeatureIDependOnlyOnEarlierFeaturesAndAllOfThem() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      Made made = made(m, C, 7);
      FlowTesting.randomize(made.getParameters(), 0.5, 21);
      NDArray x = FlowTesting.normal(m, 6, D, 1.0, 22);
      NDArray c = FlowTesting.normal(m, 6, C, 1.0, 23);
      NDArray xc = NDArrays.concat(new NDList(x, c), 1);
      double[][][] jacobian =
          FlowTesting.jacobian(
              xc,
              in -> {
                NDArray out = made.apply(in.get(":, 0:" + D), in.get(":, " + D + ":"));
                return out.reshape(out.getShape().get(0), D * P);
              });
      for (int r = 0; r < jacobian.length; r++) {
        for (int o = 0; o < D * P; o++) {
          int feature = o / P;
          for (int j = 0; j < D + C; j++) {
            double g = jacobian[r][o][j];
            if (j < D && j >= feature) {
              assertThat(g).as("d theta[%d] / d x[%d], row %d", o, j, r).isZero();
            }
          }
        }
      }
      // Each output reaches every earlier feature and the context somewhere in the batch.
      for (int o = 0; o < D * P; o++) {
        for (int j = 0; j < D + C; j++) {
          if (j < D && j >= o / P) {
            continue;
          }
          double total = 0;
          for (double[][] row : jacobian) {
            total += Math.abs(row[o][j]);
          }
          assertThat(total).as("d theta[%d] / d input[%d]", o, j).isPositive();
        }
      }
    }
  }

  @Test
  void aNewMadeOutputsZeros() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      Made made = made(m, 0, 5);
      NDArray out = made.apply(FlowTesting.normal(m, 3, D, 1.0, 24), null);
      assertThat(out.getShape()).isEqualTo(new Shape(3, D, P));
      assertThat(out.abs().max().getFloat()).isZero();
    }
  }

  @Test
  void hiddenDegreesCycleBelowTheLastFeatureAndFromZeroWithAContext() {
    assertThat(Made.hiddenDegrees(4, 7, false)).containsExactly(1, 2, 3, 1, 2, 3, 1);
    assertThat(Made.hiddenDegrees(1, 3, false)).containsExactly(0, 0, 0);
    assertThat(Made.hiddenDegrees(4, 7, true)).containsExactly(0, 1, 2, 3, 0, 1, 2);
    assertThat(Made.hiddenDegrees(1, 3, true)).containsExactly(0, 0, 0);
  }

  @Test
  void theFirstFeaturesParametersAreANonlinearFunctionOfTheContext() {
    // with nflows' degrees no hidden unit reaches feature 0's outputs, which were then an affine
    // function of the context: their value at the midpoint of two contexts was the mean of the ends
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      Made made = made(m, C, 8);
      FlowTesting.randomize(made.getParameters(), 0.8, 31);
      NDArray x = FlowTesting.normal(m, 3, D, 1.0, 32);
      NDArray a = FlowTesting.normal(m, 3, C, 1.5, 33);
      NDArray b = FlowTesting.normal(m, 3, C, 1.5, 34);
      NDArray mid = a.add(b).div(2);
      NDArray first = made.apply(x, mid).get(":, 0, :");
      NDArray chord = made.apply(x, a).add(made.apply(x, b)).div(2).get(":, 0, :");
      assertThat(first.sub(chord).abs().max().getFloat()).isGreaterThan(1e-2f);
    }
  }

  @Test
  void aContextMismatchAndBadSizesAreNamed() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      Made made = made(m, C, 5);
      NDArray x = FlowTesting.normal(m, 3, D, 1.0, 25);
      assertThatThrownBy(() -> made.apply(x, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("contextDim = 2");
    }
    assertThatThrownBy(() -> new Made(D, 0, 5, 0, P, Activation.RELU, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("residualBlocks = 0");
  }

  @Test
  void aNewAutoregressiveFlowIsTheIdentity() {
    try (Flow flow =
            Flow.builder()
                .setDim(D)
                .optContext(C)
                .add(
                    new LayerSpec.AutoregressiveLayer(
                        SplineTransform.of(5, 3), 8, 2, Activation.RELU))
                .add(
                    new LayerSpec.AutoregressiveLayer(
                        new AffineTransform(2), 8, 1, Activation.TANH))
                .optDevice(Device.cpu())
                .build();
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      NDArray x = FlowTesting.normal(m, 8, D, 2.0, 26);
      Transformed t = flow.forward(x, FlowTesting.normal(m, 8, C, 1.0, 27));
      assertThat(t.value().sub(x).abs().max().getFloat()).isLessThan(1e-5f);
      assertThat(t.logDet().abs().max().getFloat()).isLessThan(1e-5f);
    }
  }
}
