package org.cnflows.higgsml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The realism report's arithmetic: a sample against itself, and the pass rule. */
class GeneratorRealismTest {
  @Test
  void theRealSampleAgainstItselfMatchesExactly() {
    EventTable real = TestData.sample2025();
    GeneratorRealism.Report self = GeneratorRealism.compare(real, real, 2, 10, 3);
    for (GeneratorRealism.Figure f : self.figures()) {
      if (Double.isFinite(f.ratio())) {
        assertThat(f.ratio()).as(f.name()).isCloseTo(1.0, within(1e-12));
      }
    }
    for (GeneratorRealism.KsRow r : self.ks()) {
      assertThat(r.distance()[0]).as(r.feature()).isZero();
      assertThat(r.resolution()[0]).as(r.feature()).isGreaterThan(0.05);
    }
  }

  @Test
  void aFigurePassesWhenTheFactorBandMeetsTheRealErrorBar() {
    assertThat(new GeneratorRealism.Figure("x", 1.4, 0, 1.0, 0.0, 1.5).passes()).isTrue();
    assertThat(new GeneratorRealism.Figure("x", 1.6, 0, 1.0, 0.0, 1.5).passes()).isFalse();
    assertThat(new GeneratorRealism.Figure("x", 1.6, 0, 1.0, 0.1, 1.5).passes()).isTrue();
    assertThat(new GeneratorRealism.Figure("x", -1.0, 0, 1.0, 0.5, 2.0).passes()).isFalse();
    assertThat(new GeneratorRealism.Figure("x", 1.0, 0, 1.0, 0.5, Double.NaN).passes()).isFalse();
    assertThat(new GeneratorRealism.Figure("x", 1.0, 0, 0.9, 0.5, 2.0).resolved()).isFalse();
  }
}
