package org.cnflows.higgsml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.cnflows.common.FeatureMatrix;
import org.junit.jupiter.api.Test;

/** Keeps the README's quick start compiling and running (on the real 2025 sample). */
class ReadmeQuickStartTest {
  @Test
  void quickStartRuns() {
    EventTable events = HiggsMlSamples.fairUniverse2025(); // or HiggsMlReader.readParquet(path)
    NuisanceParameters nu = NuisanceParameters.drawFromPriors(new SplittableRandom(1));
    SystematicsResult shifted = Systematics.apply(events, nu, new SplittableRandom(2));
    PseudoExperiment pe = new PseudoExperiments(events).generate(1.0, nu, 42);
    Preprocessor pre = Preprocessor.fit(shifted.events());
    FeatureMatrix x = pre.transform(pe.events(), JetCategory.TWO_PLUS); // the hand-off to flows

    assertThat(shifted.events().size()).isEqualTo(shifted.postSelection().kept());
    assertThat(x.names()).hasSize(28);
    assertThat(x.x()).hasSize(x.size() * 28);
    assertThat(x.size()).isPositive();
  }

  @Test
  void theJarSampleIsTheRepositoryFile() {
    EventTable fromJar = HiggsMlSamples.fairUniverse2025();
    EventTable fromFile = TestData.sample2025();
    assertThat(fromJar.size()).isEqualTo(1000);
    assertThat(fromJar.columnNames()).isEqualTo(fromFile.columnNames());
    for (String c : fromFile.columnNames()) {
      assertThat(fromJar.column(c)).as(c).containsExactly(fromFile.column(c));
    }
    assertThat(fromJar.weights()).containsExactly(fromFile.weights());
    assertThat(fromJar.processes()).containsExactly(fromFile.processes());
  }
}
