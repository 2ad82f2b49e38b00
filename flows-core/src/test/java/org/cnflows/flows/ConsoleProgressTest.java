package org.cnflows.flows;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {

  private static String print(double validationLoss) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    ConsoleProgress progress =
        new ConsoleProgress(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    TrainingListener.Evaluation e =
        new TrainingListener.Evaluation(50, 1.25, validationLoss, true, 1000);
    progress.onEvaluation(e, 100);
    progress.onFinish(
        new TrainingResult(TrainingResult.Status.COMPLETED, 100, 50, 1.25, 0, List.of(e), 2.0));
    return buffer.toString(StandardCharsets.UTF_8);
  }

  @Test
  void linesNameTheLossThatRanksEvaluations() {
    String validated = print(1.5);
    assertThat(validated)
        .contains("[##########..........] step 50/100 train 1.2500 val 1.5000 *")
        .contains("best validation loss 1.2500 at step 50");
    String unvalidated = print(Double.NaN);
    assertThat(unvalidated)
        .contains("train 1.2500 val - *")
        .contains("best training loss 1.2500 at step 50")
        .doesNotContain("NaN");
  }
}
