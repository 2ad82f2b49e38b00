package org.cnflows.contrastive;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.flows.Flows;
import org.cnflows.flows.TrainingConfig;
import org.cnflows.flows.TrainingListener;
import org.cnflows.stats.toys.ToyT1;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick start of this module's README, compiled and run on toy T1 (Elsharkawy and Kahn 2025,
 * Sec. 5). The README's snippet must be the code between the markers below (up to white space), so
 * the two cannot drift apart.
 */
class ReadmeQuickStartTest {

  private static final String BEGIN = "// --- README quick start ---";
  private static final String END = "// --- end (the README closes the try block here) ---";

  @Test
  void quickStartTrainsACnfPairThatSeparatesTheClasses(@TempDir Path directory) throws IOException {
    FeatureMatrix signal = FeatureMatrix.of(ToyEvents.rows(ToyT1.SIGNAL, 4000, 91));
    FeatureMatrix background = FeatureMatrix.of(ToyEvents.rows(ToyT1.BACKGROUND, 4000, 92));
    FeatureMatrix events = ToyEvents.labelled(5000, 93, 94);
    FeatureMatrix test = events;

    // --- README quick start ---
    TrainingConfig config =
        TrainingConfig.builder()
            .optSteps(300)
            .optBatchSize(512)
            .optKeepBest(false) // a clamped loss ties at k: end on the last step, not the "best"
            .optSeed(1)
            .optListener(TrainingListener.NONE)
            .build();
    try (CnfSet cnfs =
        CnfTrainer.train(
            signal, // FeatureMatrix: signal events, D = 2 features
            background, // FeatureMatrix: background events
            List.of(
                new CnfTrainer.Spec("s_c1", ContrastiveLoss.signal(1).withEventClamp()),
                new CnfTrainer.Spec("b_c1", ContrastiveLoss.background(1).withEventClamp())),
            seed -> Flows.gatedQuadratic(2, 0, 8, 32, 2).optSeed(seed).build(),
            config)) {
      PhiFeatures phi = new PhiFeatures(cnfs, 8192);
      FeatureMatrix features = phi.append(events); // D + 2 columns per event
      double[][] columns = phi.phi(events); // plain arrays for inference-stats
      cnfs.save(directory);
      // --- end (the README closes the try block here) ---

      assertThat(features.names()).containsExactly("x0", "x1", "phi_s_c1", "phi_b_c1");
      int correct = 0;
      for (int i = 0; i < test.size(); i++) {
        int decision = columns[0][i] > columns[1][i] ? 1 : 0;
        correct += decision == test.labels()[i] ? 1 : 0;
      }
      double accuracy = correct / (double) test.size();
      System.out.printf(
          "README quick start: c = 1 CNF pair accuracy %.4f (Bayes 0.823)%n", accuracy);
      assertThat(accuracy).as("accuracy of phi_s_c1 > phi_b_c1").isGreaterThan(0.80);
      try (CnfSet loaded = CnfSet.load(directory, Device.cpu())) {
        assertThat(new PhiFeatures(loaded, 8192).phi(events)).isDeepEqualTo(columns);
      }
    }
  }

  /** The README's quick-start block is the code between the markers above. */
  @Test
  void readmeShowsTheCodeThisTestRuns() throws IOException {
    String source =
        Files.readString(
            Path.of("src/test/java/org/cnflows/contrastive/ReadmeQuickStartTest.java"));
    String begin = "\n    " + BEGIN + "\n";
    int from = source.indexOf(begin) + begin.length();
    String tested = source.substring(from, source.indexOf("\n      " + END + "\n")) + "\n}";
    Matcher block =
        Pattern.compile("## Quick start\\R.*?```java\\R(.*?)```", Pattern.DOTALL)
            .matcher(Files.readString(Path.of("README.md")));
    assertThat(block.find()).as("a java block under '## Quick start' in README.md").isTrue();
    assertThat(normalized(block.group(1))).isEqualTo(normalized(tested));
  }

  private static String normalized(String code) {
    return code.strip().replaceAll("\\s+", " ");
  }
}
