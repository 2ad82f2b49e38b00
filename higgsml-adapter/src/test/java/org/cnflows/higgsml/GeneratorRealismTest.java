package org.cnflows.higgsml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The realism report at reduced scale (100,000 synthetic events, 5 batches, 100 bootstrap
 * replicas): the targets of the README's full-scale report hold here too.
 */
class GeneratorRealismTest {
  /**
   * Targeted figures that miss at full scale (README): the real sample does not resolve them (its
   * value is 1.2 errors from 0, made by 2 of its 67 signal events in the window that cross mT = 30
   * GeV when jes moves, none the other way) and the synthetic one has the other sign: jets balance
   * the tau pair, whose MET points closer to the pair's direction than the lepton does, so more jes
   * raises mT (README: the chance of the real figure under the synthetic model is about 6%).
   */
  private static final Set<String> KNOWN_MISSES =
      Set.of("S yield, mvis 90-115, mT < 30 per 1% jes (%)");

  private static GeneratorRealism.Report report;

  @BeforeAll
  static void compare() {
    EventTable synthetic =
        SyntheticGenerator.generate(SyntheticGenerator.Config.balanced(2024, 25_000));
    report = GeneratorRealism.compare(synthetic, TestData.sample2025(), 5, 100, 1);
    System.out.print(report.figureTable());
    System.out.print(report.ksTable());
  }

  @Test
  void signalToBackgroundAndTheBackgroundDensityAreWithinTheFactorOfThe2025Sample() {
    for (GeneratorRealism.Window w : GeneratorRealism.WINDOWS) {
      GeneratorRealism.Figure sb = report.figure("S/B, " + w.name());
      assertThat(sb.passes()).as(sb.toString()).isTrue();
    }
    GeneratorRealism.Figure density = report.figure("B per GeV, mvis 90-105");
    assertThat(density.passes()).as(density.toString()).isTrue();
    assertThat(density.ratio()).isBetween(1 / 1.5, 1.5);
    // the Z dominates the background on the Higgs peak, as in the real sample
    GeneratorRealism.Figure z = report.figure("Z share of B, mvis 90-115");
    assertThat(Math.abs(z.synthetic() - z.real())).as(z.toString()).isLessThan(z.realError());
  }

  @Test
  void everyTargetedFigurePassesButTheKnownUnresolvedMiss() {
    for (GeneratorRealism.Figure f : report.figures()) {
      if (f.targeted() && !KNOWN_MISSES.contains(f.name())) {
        assertThat(f.passes()).as(f.toString()).isTrue();
      }
    }
    for (String name : KNOWN_MISSES) {
      assertThat(report.figure(name).resolved()).isFalse();
    }
  }

  @Test
  void resolvedResponsesAndTheCountingMuShiftAreWithinTheFactorOfTheRealOnes() {
    for (String name :
        new String[] {
          "B efficiency per 1% tes (%)",
          "B yield, mvis 60-90 per 1% tes (%)",
          "B fraction 0 jets per 1% jes (%)",
          "B fraction >= 2 jets per 1% jes (%)",
          "mu shift per 1-sigma tes, mvis 90-115"
        }) {
      GeneratorRealism.Figure f = report.figure(name);
      assertThat(f.resolved()).as(name).isTrue();
      assertThat(f.ratio()).as(name).isBetween(1 / 1.5, 1.5);
    }
  }

  @Test
  void theThreeNamedFeaturesAreWithinKsPointOneOfThe2025Sample() {
    for (String f :
        new String[] {
          Columns.DER_MASS_VIS, Columns.DER_MASS_TRANSVERSE_MET_LEP, Columns.PRI_HAD_PT
        }) {
      assertThat(report.ks(f).distance()[0]).as(f).isLessThan(0.10);
    }
    for (GeneratorRealism.KsRow r : report.ks()) {
      assertThat(r.distance()[0]).as(r.feature()).isLessThan(0.165);
    }
  }

  /**
   * The MET model's rework: with the hadronic tau's harder visible fraction (3x^2), 12% tau
   * resolution and 8 GeV MET noise these were 0.115 and 0.080 at this scale (0.114 and 0.077 at
   * full scale); now 0.063 and 0.063 (README).
   */
  @Test
  void metAndTheHiggsPtAreCloserToThe2025SampleThanWithTheFirstMetModel() {
    assertThat(report.ks(Columns.PRI_MET).distance()[0]).isLessThan(0.09);
    assertThat(report.ks(Columns.DER_PT_H).distance()[0]).isLessThan(0.075);
  }

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
