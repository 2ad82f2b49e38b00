package org.cnflows.contrastive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.flows.Batch;
import org.cnflows.flows.Flow;
import org.cnflows.flows.Flows;
import org.cnflows.flows.Trainer;
import org.cnflows.flows.TrainingConfig;
import org.cnflows.flows.TrainingListener;
import org.cnflows.stats.toys.ToyT1;
import org.junit.jupiter.api.Test;

class ContrastiveLossTest {

  private static final double LOG_2PI = Math.log(2 * Math.PI);

  /** A new coupling flow is the identity, so log p(x) = -|x|^2 / 2 - log(2 pi) exactly. */
  private static Flow identityFlow() {
    return Flows.realNvp(2, 0, 2, 8, 1).optDevice(Device.cpu()).optSeed(1).build();
  }

  private static double logNormal(float[] x) {
    return -0.5 * (x[0] * x[0] + x[1] * x[1]) - LOG_2PI;
  }

  @Test
  void matchesEquationFiveComputedByHandWithWeights() {
    float[][] s = {{0.5f, -1f}, {2f, 0.25f}, {-1.5f, 1f}};
    float[] ws = {1f, 2f, 0.5f};
    float[][] b = {{3f, 1f}, {-0.5f, -0.5f}};
    float[] wb = {0.25f, 1f};
    double fit = 0;
    double wsSum = 0;
    for (int i = 0; i < s.length; i++) {
      fit += ws[i] * logNormal(s[i]);
      wsSum += ws[i];
    }
    fit /= wsSum;
    double push = (0.25 * logNormal(b[0]) + logNormal(b[1])) / 1.25;
    try (Flow flow = identityFlow();
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      Batch bs = new Batch(m.create(flat(s), new Shape(3, 2)), null, m.create(ws));
      Batch bb = new Batch(m.create(flat(b), new Shape(2, 2)), null, m.create(wb));
      double signal = ContrastiveLoss.signal(1.5).compute(flow, List.of(bs, bb)).getFloat();
      assertThat(signal).isCloseTo(-fit + 1.5 * push, within(1e-4));
      double background = ContrastiveLoss.background(0.5).compute(flow, List.of(bs, bb)).getFloat();
      assertThat(background).isCloseTo(-push + 0.5 * fit, within(1e-4));
    }
  }

  @Test
  void clampReplacesLossesBelowKAndStopsTheirGradient() {
    float[][] far = {{40f, 40f}};
    float[][] near = {{0f, 0f}};
    try (Flow flow = identityFlow();
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      Batch s = new Batch(m.create(flat(near), new Shape(1, 2)), null, null);
      Batch b = new Batch(m.create(flat(far), new Shape(1, 2)), null, null);
      ContrastiveLoss loss = ContrastiveLoss.signal(1);
      double bare = loss.withoutClamp().compute(flow, List.of(s, b)).getFloat();
      assertThat(bare).isCloseTo(-logNormal(near[0]) + logNormal(far[0]), within(1e-2));
      assertThat(bare).isLessThan(-50);
      assertThat((double) loss.compute(flow, List.of(s, b)).getFloat()).isEqualTo(-50.0);
      assertThat((double) loss.withClamp(-2000).compute(flow, List.of(s, b)).getFloat())
          .isCloseTo(bare, within(1e-2));
    }
  }

  /**
   * Per event: a background event far in the tails enters the signal CNF's contrast term as k / c,
   * not as its log p of about -1600, so the loss stays above k; a near one enters with its log p.
   */
  @Test
  void eventClampBoundsEachContrastedEventAtKOverC() {
    float[][] near = {{0f, 0f}};
    float[][] background = {{40f, 40f}, {1f, 0f}};
    try (Flow flow = identityFlow();
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      Batch s = new Batch(m.create(flat(near), new Shape(1, 2)), null, null);
      Batch b = new Batch(m.create(flat(background), new Shape(2, 2)), null, null);
      ContrastiveLoss loss = ContrastiveLoss.signal(2).withEventClamp();
      double expected = -logNormal(near[0]) + 2 * (-50 / 2.0 + logNormal(background[1])) / 2;
      assertThat((double) loss.compute(flow, List.of(s, b)).getFloat())
          .isCloseTo(expected, within(1e-4));
      assertThat((double) loss.withoutClamp().compute(flow, List.of(s, b)).getFloat())
          .isLessThan(-1000);
      assertThat(loss.withClamp(-10).eventClamped()).isTrue();
      assertThat(loss.withoutClamp().eventClamped()).isFalse();
      assertThat(ContrastiveLoss.signal(2).eventClamped()).isFalse();
    }
  }

  @Test
  void rejectsBadContrastAndClamp() {
    assertThatThrownBy(() -> ContrastiveLoss.signal(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("c = 0.0");
    assertThatThrownBy(() -> ContrastiveLoss.background(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("c = -1.0");
    assertThatThrownBy(() -> ContrastiveLoss.signal(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("c = NaN");
    assertThatThrownBy(() -> ContrastiveLoss.signal(Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("c = Infinity");
    assertThatThrownBy(() -> ContrastiveLoss.signal(1).withClamp(Double.NEGATIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k = -Infinity");
  }

  /**
   * With a strong contrast and a large learning rate the bare loss runs away (the flow pushes log p
   * of the background towards -infinity); clamped at k = -50 the same run stays near k.
   */
  @Test
  void clampPreventsTheCollapseThatTheBareLossRunsInto() {
    FeatureMatrix signal = FeatureMatrix.of(ToyEvents.rows(ToyT1.SIGNAL, 4000, 1));
    FeatureMatrix background = FeatureMatrix.of(ToyEvents.rows(ToyT1.BACKGROUND, 4000, 2));
    double bare = trainedLoss(ContrastiveLoss.signal(4).withoutClamp(), signal, background);
    double clamped = trainedLoss(ContrastiveLoss.signal(4), signal, background);
    System.out.printf(
        "clamp test: bare Eq. (5) after training %.1f, clamped %.1f%n", bare, clamped);
    assertThat(bare).isLessThan(-500);
    assertThat(clamped).isGreaterThan(-100);
  }

  /** Trains a small flow and returns the bare Eq. (5) on all the data. */
  private static double trainedLoss(
      ContrastiveLoss loss, FeatureMatrix signal, FeatureMatrix background) {
    try (Flow flow = Flows.realNvp(2, 0, 4, 16, 2).optDevice(Device.cpu()).optSeed(7).build();
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      Trainer.train(
          flow,
          loss,
          List.of(signal, background),
          TrainingConfig.builder()
              .optSteps(200)
              .optBatchSize(256)
              .optLearningRate(1e-2)
              .optEvaluateEvery(200)
              .optSeed(3)
              .optListener(TrainingListener.NONE)
              .build());
      NDArray xs = m.create(signal.x(), new Shape(signal.size(), 2));
      NDArray xb = m.create(background.x(), new Shape(background.size(), 2));
      return loss.withoutClamp()
          .compute(flow, List.of(new Batch(xs, null, null), new Batch(xb, null, null)))
          .getFloat();
    }
  }

  static float[] flat(float[][] rows) {
    float[] f = new float[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, f, i * rows[i].length, rows[i].length);
    }
    return f;
  }
}
