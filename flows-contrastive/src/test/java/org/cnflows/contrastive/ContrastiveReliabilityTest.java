package org.cnflows.contrastive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongFunction;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.flows.Flow;
import org.cnflows.flows.Flows;
import org.cnflows.flows.Trainer;
import org.cnflows.flows.TrainingConfig;
import org.cnflows.flows.TrainingListener;
import org.cnflows.flows.TrainingResult;
import org.cnflows.stats.toys.ToyT1;
import org.junit.jupiter.api.Test;

/**
 * The contract of flows-contrastive under bad input (issue 15, classifiers and CNFs): every case
 * trains or fails before any training with a message naming the value, and leaves no flow open. One
 * test per case; the cases first, then this suite's own.
 */
class ContrastiveReliabilityTest {

  private static final FeatureMatrix SIGNAL =
      FeatureMatrix.of(ToyEvents.rows(ToyT1.SIGNAL, 200, 1));
  private static final TrainingConfig CONFIG =
      TrainingConfig.builder()
          .optSteps(10)
          .optBatchSize(64)
          .optEvaluateEvery(5)
          .optKeepBest(false)
          .optListener(TrainingListener.NONE)
          .build();
  private static final List<CnfTrainer.Spec> SPECS =
      List.of(
          new CnfTrainer.Spec("s1", ContrastiveLoss.signal(1).withEventClamp()),
          new CnfTrainer.Spec("b1", ContrastiveLoss.background(1).withEventClamp()));

  private final List<Flow> built = new ArrayList<>();

  private final LongFunction<Flow> newFlow =
      seed -> {
        Flow flow = Flows.realNvp(2, 0, 2, 8, 1).optSeed(seed).optDevice(Device.cpu()).build();
        built.add(flow);
        return flow;
      };

  private static FeatureMatrix background(int rows) {
    return FeatureMatrix.of(ToyEvents.rows(ToyT1.BACKGROUND, rows, 2));
  }

  /**
   * Issue: a background of 1-4 rows failed at the first evaluation with "the contrastive loss takes
   * 2 batches (signal, background), got 1" (the 10% split held none of them out).
   */
  @Test
  void aBackgroundTooSmallToValidateIsRefusedBeforeTraining() {
    for (int rows = 1; rows <= 4; rows++) {
      FeatureMatrix small = background(rows);
      assertThatThrownBy(() -> CnfTrainer.train(SIGNAL, small, SPECS, newFlow, CONFIG))
          .as("%d rows", rows)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "background has "
                  + rows
                  + (rows == 1 ? " row" : " rows")
                  + "; training needs at least 5 with validationFraction = 0.1 (2 to train on, 1"
                  + " held out; optValidationFraction(0) holds none out)");
    }
    assertThat(built).isEmpty();
    try (CnfSet set = CnfTrainer.train(SIGNAL, background(5), SPECS, newFlow, CONFIG)) {
      assertThat(set.members()).hasSize(2);
    }
  }

  /** The same refusal from the one training loop, for a contrastive loss used directly. */
  @Test
  void theTrainerNamesTheSourceThatIsTooSmall() {
    try (Flow flow = newFlow.apply(3)) {
      assertThatThrownBy(
              () ->
                  Trainer.train(
                      flow, ContrastiveLoss.signal(1), List.of(SIGNAL, background(3)), CONFIG))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("source 1 has 3 rows; training needs at least 5");
    }
  }

  /** Issue: a null background gave a bare NullPointerException. */
  @Test
  void nullArgumentsAreNamed() {
    assertThatThrownBy(() -> CnfTrainer.train(SIGNAL, null, SPECS, newFlow, CONFIG))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("background is null");
    assertThatThrownBy(() -> CnfTrainer.train(null, SIGNAL, SPECS, newFlow, CONFIG))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("signal is null");
    assertThatThrownBy(() -> CnfTrainer.train(SIGNAL, background(50), SPECS, null, CONFIG))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("newFlow is null");
    assertThatThrownBy(() -> CnfTrainer.train(SIGNAL, background(50), SPECS, newFlow, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("config is null");
    List<CnfTrainer.Spec> withNull = Arrays.asList(SPECS.get(0), null);
    assertThatThrownBy(() -> CnfTrainer.train(SIGNAL, background(50), withNull, newFlow, CONFIG))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("specs[1] is null");
    assertThat(built).isEmpty();
  }

  /** Issue: a positive clamp k was accepted (it clamps a fresh flow's loss: no gradient). */
  @Test
  void aClampThatIsNotNegativeIsRefused() {
    for (double k : new double[] {5, 0, Double.NaN, Double.NEGATIVE_INFINITY}) {
      assertThatThrownBy(() -> ContrastiveLoss.signal(1).withClamp(k))
          .as("k = %s", k)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(
              "clamp k = " + k + " must be finite and negative (the paper's k = -50)");
    }
    assertThat(ContrastiveLoss.signal(1).withClamp(-1e-3).clamp()).isEqualTo(-1e-3);
  }

  /** Issue (flows half, through the CNF trainer): a constant column trained a collapsed flow. */
  @Test
  void aConstantFeatureOfEitherClassIsRefusedInItsOwnUnits() {
    float[][] rows = ToyEvents.rows(ToyT1.BACKGROUND, 100, 4);
    for (float[] r : rows) {
      r[0] = -2.5f;
    }
    FeatureMatrix constant = FeatureMatrix.of(rows);
    assertThatThrownBy(() -> CnfTrainer.train(SIGNAL, constant, SPECS, newFlow, CONFIG))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "background: feature '"
                + constant.names().get(0)
                + "' (column 0) is -2.5 in all 100 rows; a flow fitted to a constant collapses"
                + " onto it: drop the column");
    assertThatThrownBy(() -> CnfTrainer.train(constant, SIGNAL, SPECS, newFlow, CONFIG))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("signal: feature '");
    assertThat(built).isEmpty();
  }

  /** Own case: the smallest accepted background trains every member to completion. */
  @Test
  void theSmallestAcceptedSetsTrainWithoutValidation() {
    TrainingConfig noValidation =
        TrainingConfig.builder()
            .optSteps(10)
            .optValidationFraction(0)
            .optKeepBest(false)
            .optListener(TrainingListener.NONE)
            .build();
    assertThat(noValidation.minimumRows()).isEqualTo(2);
    try (CnfSet set = CnfTrainer.train(SIGNAL, background(2), SPECS, newFlow, noValidation)) {
      for (CnfSet.Member m : set.members()) {
        assertThat(m.flow().training().status()).isEqualTo(TrainingResult.Status.COMPLETED);
      }
    }
    assertThatThrownBy(() -> CnfTrainer.train(SIGNAL, background(1), SPECS, newFlow, noValidation))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("background has 1 row; training needs at least 2");
  }

  /**
   * Own case: Phi extraction of events far outside the training range gave log p = -Infinity at
   * 1e30 and NaN at Float.MAX_VALUE; it refuses them naming the event and feature.
   */
  @Test
  void phiOfEventsBeyondTheInputRangeIsRefused() {
    try (CnfSet set = CnfTrainer.train(SIGNAL, background(50), SPECS, newFlow, CONFIG)) {
      PhiFeatures phi = new PhiFeatures(set, 64);
      for (float v : new float[] {1e30f, -Float.MAX_VALUE}) {
        FeatureMatrix events = FeatureMatrix.of(new float[][] {{0, 0}, {0, v}});
        assertThatThrownBy(() -> phi.logDensities(events))
            .as("%s", v)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith(
                "event 1: feature '" + events.names().get(1) + "' = " + v + " lies ")
            .hasMessageEndingWith(
                " standard deviations from the CNFs' training mean, beyond the range of flow"
                    + " inputs (Flow.INPUT_LIMIT = 1.0E8)");
      }
      double[][] inRange = phi.logDensities(FeatureMatrix.of(new float[][] {{0, 0}, {0, 1e6f}}));
      for (double[] column : inRange) {
        assertThat(column[0]).isFinite();
        assertThat(column[1]).isFinite();
        assertThat(column[1]).isLessThan(column[0]);
      }
    }
  }
}
