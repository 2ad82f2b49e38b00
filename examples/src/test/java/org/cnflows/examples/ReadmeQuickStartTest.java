package org.cnflows.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.SplittableRandom;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.flows.Flow;
import org.cnflows.flows.Flows;
import org.cnflows.flows.Trainer;
import org.cnflows.flows.TrainingConfig;
import org.cnflows.flows.TrainingListener;
import org.junit.jupiter.api.Test;

/** The README's quick start, compiled and run: keep the two in step. */
class ReadmeQuickStartTest {

  @Test
  void quickStartRunsAndLearnsTheDensity() {
    SplittableRandom random = new SplittableRandom(1);
    float[][] rows = new float[5000][2];
    for (float[] r : rows) {
      r[0] = (float) random.nextGaussian();
      r[1] = (float) (0.5 * r[0] + 0.5 * random.nextGaussian());
    }
    float[][] points = {{0f, 0f}, {1f, 0.5f}, {3f, -3f}};

    // --- README quick start ---
    try (Flow flow = Flows.realNvp(2, 0, 4, 32, 2).optSeed(1).build();
        NDManager manager = NDManager.newBaseManager(flow.device())) {
      FeatureMatrix data = FeatureMatrix.of(rows); // float[N][2], validated once
      Trainer.fit(
          flow,
          data,
          TrainingConfig.builder().optSteps(500).optListener(TrainingListener.NONE).build());
      NDArray logP = flow.logProb(manager.create(points), null); // log p(x) per row
      // --- end ---

      float[] values = logP.toFloatArray();
      // truth: x0 ~ N(0, 1), x1 | x0 ~ N(x0 / 2, 1/4): log p(0, 0) = -log(2 pi 0.5) = -1.1447
      assertThat((double) values[0]).isBetween(-1.30, -1.00);
      assertThat(values[2]).isLessThan(values[1]).isLessThan(values[0]);
    }
  }
}
