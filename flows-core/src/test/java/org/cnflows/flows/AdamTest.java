package org.cnflows.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.cnflows.flows.internal.Adam;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AdamTest {

  @ParameterizedTest
  @EnumSource(LearningRateSchedule.class)
  void threeStepsMatchTheTextbookUpdate(LearningRateSchedule schedule) {
    double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8;
    double[][] grads = {{0.5, -2.0}, {0.1, 1.0}, {-0.3, 0.25}};
    double[] w = {1.0, -1.0};
    double[] m = new double[2];
    double[] v = new double[2];
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDArray weight = manager.create(new float[] {1f, -1f});
      try (Adam adam = new Adam(List.of(weight), lr, b1, b2, eps)) {
        for (int t = 1; t <= grads.length; t++) {
          double[] g = grads[t - 1];
          List<NDArray> gradient =
              List.of(manager.create(new float[] {(float) g[0], (float) g[1]}));
          double rate = schedule.rate(lr, t - 1, grads.length);
          if (schedule == LearningRateSchedule.CONSTANT) {
            adam.step(gradient);
          } else {
            adam.step(gradient, rate);
          }
          for (int i = 0; i < 2; i++) {
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            double mHat = m[i] / (1 - Math.pow(b1, t));
            double vHat = v[i] / (1 - Math.pow(b2, t));
            w[i] -= rate * mHat / (Math.sqrt(vHat) + eps);
          }
          float[] actual = weight.toFloatArray();
          assertThat((double) actual[0]).isCloseTo(w[0], within(1e-5));
          assertThat((double) actual[1]).isCloseTo(w[1], within(1e-5));
        }
      }
    }
  }

  @Test
  void cosineScheduleAnnealsFromTheBaseRateTowardsZero() {
    LearningRateSchedule cosine = LearningRateSchedule.COSINE;
    assertThat(cosine.rate(0.01, 0, 100)).isEqualTo(0.01);
    assertThat(cosine.rate(0.01, 50, 100)).isCloseTo(0.005, within(1e-15));
    assertThat(cosine.rate(0.01, 99, 100)).isBetween(0.0, 0.01 * 3e-4);
    for (int t = 1; t < 100; t++) {
      assertThat(cosine.rate(0.01, t, 100)).isLessThan(cosine.rate(0.01, t - 1, 100));
    }
    assertThat(LearningRateSchedule.CONSTANT.rate(0.01, 99, 100)).isEqualTo(0.01);
    assertThatThrownBy(() -> cosine.rate(0.01, 100, 100)).hasMessageContaining("step 100");
  }
}
