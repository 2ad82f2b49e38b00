package org.cnflows.higgsml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Keeps the README's quick start compiling and running (on the real 2025 sample). */
class ReadmeQuickStartTest {
  @Test
  void quickStartRuns() {
    EventTable events = HiggsMlReader.readParquet(SharedData.parquet2025());
    NuisanceParameters nu = NuisanceParameters.drawFromPriors(new SplittableRandom(1));
    SystematicsResult shifted = Systematics.apply(events, nu, new SplittableRandom(2));
    PseudoExperiment pe = new PseudoExperiments(events).generate(1.0, nu, 42);
    Preprocessor pre = Preprocessor.fit(shifted.events());
    StandardizedFeatures x = pre.transform(pe.events(), JetCategory.TWO_PLUS);

    assertThat(shifted.events().size()).isEqualTo(shifted.postSelection().kept());
    assertThat(x.features()).hasSize(28);
    assertThat(x.values()).hasSize(x.size() * 28);
    assertThat(x.size()).isPositive();
  }
}
