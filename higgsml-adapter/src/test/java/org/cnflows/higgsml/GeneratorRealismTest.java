package org.cnflows.higgsml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The realism report at reduced scale (100,000 synthetic events, 5 batches, 100 bootstrap
 * replicas): the targets of the README's full-scale report hold here too.
 */
class GeneratorRealismTest {
  private static final String JES_MT30 = "S yield, mvis 90-115, mT < 30 per 1% jes (%)";

  private static GeneratorRealism.Report report;
  private static GeneratorRealism.Report signal;

  @BeforeAll
  static void compare() {
    EventTable synthetic =
        SyntheticGenerator.generate(SyntheticGenerator.Config.balanced(2024, 25_000));
    report = GeneratorRealism.compare(synthetic, TestData.sample2025(), 5, 100, 1);
    System.out.print(report.figureTable());
    System.out.print(report.ksTable());
    signal =
        GeneratorRealism.compareSignal(
            synthetic, HiggsMlReader.readCsv2014(TestData.csv2014()), 5, 100, 1);
    System.out.print(signal.figureTable());
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
  void everyTargetedFigurePasses() {
    for (GeneratorRealism.Figure f : report.figures()) {
      if (f.targeted()) {
        assertThat(f.passes()).as(f.toString()).isTrue();
      }
    }
  }

  /**
   * The signal's jes response in the mT < 30 window, which the 2025 sample leaves at 2 of its 67
   * window events, against the 1066 window events of the 2014 signal (+0.12 +- 0.11% per 1%): with
   * the Higgs' unseen recoil along its jets it is positive, as in both real samples (-0.19 without
   * it, at full scale); the signal's tes responses and shares are those of the 2014 signal within
   * the factors.
   */
  @Test
  void theSignalsResponsesMatchThe2014SignalWhichResolvesThem() {
    assertThat(report.figure(JES_MT30).synthetic()).isPositive();
    GeneratorRealism.Figure jes = signal.figure(JES_MT30);
    assertThat(jes.passes()).as(jes.toString()).isTrue();
    assertThat(signal.realEvents()).isGreaterThan(5000);
    for (String name :
        new String[] {
          "S efficiency per 1% tes (%)",
          "S yield, mvis 90-115 per 1% tes (%)",
          "S yield, mvis 90-115, mT < 30 per 1% tes (%)",
          "S share, mvis 90-115",
          "S share, mvis 90-115, mT < 30"
        }) {
      GeneratorRealism.Figure f = signal.figure(name);
      assertThat(f.resolved()).as(name).isTrue();
      assertThat(f.passes()).as(f.toString()).isTrue();
    }
    // no KS against 2014's kinematics (8 TeV, jets above 30 GeV)
    assertThat(signal.ks()).isEmpty();
    assertThatThrownBy(() -> signal.ks(Columns.PRI_MET)).hasMessageContaining("no KS row");
  }

  @Test
  void aTableWithoutSignalIsRefusedByName() {
    EventTable real = TestData.sample2025();
    byte z = (byte) PhysicsProcess.ZTAUTAU.ordinal();
    byte[] processes = real.processes();
    EventTable background =
        real.select(IntStream.range(0, real.size()).filter(i -> processes[i] == z).toArray());
    assertThatThrownBy(() -> GeneratorRealism.compareSignal(real, background, 2, 2, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the real table has no signal (htautau) event among its");
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
   * full scale); now 0.055 and 0.066 (0.057 and 0.066 at full scale, README).
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
