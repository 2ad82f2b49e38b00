package org.cnflows.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.Standardization;
import org.junit.jupiter.api.Test;

class BatchEvaluatorTest {

  /**
   * Kernels differ with the batch shape: the chunked and whole evaluations agree to float noise.
   */
  private static final Offset<Float> TOLERANCE = Offset.offset(2e-6f);

  private static Flow flow(int context, long seed) {
    Flow f = Flows.realNvp(2, context, 4, 16, 2).optDevice(Device.cpu()).optSeed(seed).build();
    FlowTesting.randomize(f.parameters(), 0.3, seed);
    return f;
  }

  private static float[] values(int n, int width, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n * width];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  /** log p of each row evaluated alone through the checked API. */
  private static float[] oneByOne(Flow f, float[] x, float[] context, int n) {
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      return f.logProb(
              m.create(x, new Shape(n, 2)),
              context == null ? null : m.create(context, new Shape(n, 1)))
          .toFloatArray();
    }
  }

  @Test
  void severalFunctionsOnChunksEqualWholeBatchEvaluations() {
    int n = 53;
    float[] x = values(n, 2, 1);
    float[] z = values(n, 1, 2);
    try (Flow a = flow(0, 3);
        Flow b = flow(1, 4)) {
      FeatureMatrix events = FeatureMatrix.of(x, 2).withContext(z, 1);
      float[] grid = {0.7f};
      float[][] out =
          new BatchEvaluator(Device.cpu(), 7)
              .evaluate(
                  events,
                  List.of(
                      b2 -> a.logProbTrusted(b2.x(), null),
                      EventFunction.logProb(b),
                      EventFunction.logProbAt(b, grid)));
      float[] fixed = new float[n];
      java.util.Arrays.fill(fixed, 0.7f);
      assertThat(out[0]).containsExactly(oneByOne(a, x, null, n), TOLERANCE);
      assertThat(out[1]).containsExactly(oneByOne(b, x, z, n), TOLERANCE);
      assertThat(out[2]).containsExactly(oneByOne(b, x, fixed, n), TOLERANCE);
    }
  }

  @Test
  void standardizedFunctionsSeeStandardizedFeatures() {
    int n = 20;
    float[] x = values(n, 2, 5);
    Standardization s = new Standardization(new double[] {1, -2}, new double[] {2, 0.5});
    try (Flow a = flow(0, 6)) {
      float[][] out =
          new BatchEvaluator(Device.cpu(), 8)
              .evaluate(FeatureMatrix.of(x, 2), List.of(EventFunction.logProb(a).standardized(s)));
      float[] expected = oneByOne(a, s.apply(x), null, n);
      for (int i = 0; i < n; i++) {
        assertThat(out[0][i]).isCloseTo(expected[i], Offset.offset(1e-5f));
      }
    }
  }

  @Test
  void categoriesReachTheFunctionsAndBadShapesAreNamed() {
    FeatureMatrix events =
        FeatureMatrix.of(values(10, 2, 7), 2)
            .withCategories(new int[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0});
    float[][] out =
        new BatchEvaluator(Device.cpu(), 4)
            .evaluate(
                events,
                List.of(b -> b.categories().toType(ai.djl.ndarray.types.DataType.FLOAT32, false)));
    assertThat(out[0]).containsExactly(0, 1, 2, 0, 1, 2, 0, 1, 2, 0);
    BatchEvaluator evaluator = new BatchEvaluator(Device.cpu(), 4);
    assertThatThrownBy(() -> evaluator.evaluate(events, List.of(b -> b.x())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("function 0 returned shape (4, 2) for 4 rows");
    assertThatThrownBy(() -> evaluator.evaluate(events, List.of()))
        .hasMessageContaining("no function");
    assertThatThrownBy(() -> new BatchEvaluator(Device.cpu(), 0))
        .hasMessageContaining("batchSize = 0");
  }
}
