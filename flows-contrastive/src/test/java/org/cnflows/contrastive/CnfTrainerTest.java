package org.cnflows.contrastive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.List;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.flows.Flow;
import org.cnflows.flows.Flows;
import org.cnflows.flows.TrainingConfig;
import org.cnflows.flows.TrainingListener;
import org.junit.jupiter.api.Test;

/** Bad CNF specifications fail before any training, and leave no flow open. */
class CnfTrainerTest {

  private static final FeatureMatrix SIGNAL =
      FeatureMatrix.of(new float[][] {{0, 1}, {1, 2}, {2, 0}});
  private static final FeatureMatrix BACKGROUND =
      FeatureMatrix.of(new float[][] {{1, 1}, {0, 0}, {3, 2}});
  private static final TrainingConfig CONFIG =
      TrainingConfig.builder()
          .optSteps(1)
          .optValidationFraction(0)
          .optListener(TrainingListener.NONE)
          .build();

  @Test
  void anInvalidNameFailsWhenTheSpecIsMade() {
    assertThatThrownBy(() -> new CnfTrainer.Spec("a b", ContrastiveLoss.signal(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("member name 'a b'");
  }

  @Test
  void duplicateNamesAndWrongWidthsFailBeforeTrainingAndCloseEveryFlow() {
    List<Flow> built = new ArrayList<>();
    List<CnfTrainer.Spec> twice =
        List.of(
            new CnfTrainer.Spec("s", ContrastiveLoss.signal(1)),
            new CnfTrainer.Spec("s", ContrastiveLoss.signal(2)));
    assertThatThrownBy(
            () ->
                CnfTrainer.train(
                    SIGNAL,
                    BACKGROUND,
                    twice,
                    seed -> record(built, Flows.realNvp(2, 0, 2, 4, 1).optDevice(Device.cpu())),
                    CONFIG))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'s' is used twice");
    List<CnfTrainer.Spec> one = List.of(new CnfTrainer.Spec("s", ContrastiveLoss.signal(1)));
    assertThatThrownBy(
            () ->
                CnfTrainer.train(
                    SIGNAL,
                    BACKGROUND,
                    one,
                    seed -> record(built, Flows.realNvp(3, 0, 2, 4, 1).optDevice(Device.cpu())),
                    CONFIG))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has dim = 3");
    assertThat(built).hasSize(3);
    assertThat(built).allSatisfy(f -> assertThat(f.manager().isOpen()).isFalse());
  }

  private static Flow record(List<Flow> built, Flow.Builder builder) {
    Flow flow = builder.build();
    built.add(flow);
    return flow;
  }
}
