package org.cnflows.higgsml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticGeneratorTest {
  private static EventTable synthetic;

  @TempDir Path tmp;

  @BeforeAll
  static void generate() {
    synthetic = SyntheticGenerator.generate(SyntheticGenerator.Config.balanced(2024, 5000));
  }

  @Test
  void weightsGiveTheChallengeYieldsIn10InverseFemtobarn() {
    for (PhysicsProcess p : PhysicsProcess.CHALLENGE) {
      double want = SyntheticGenerator.YIELDS_10FB.get(p);
      assertThat(synthetic.count(p)).isEqualTo(5000);
      assertThat(synthetic.sumWeights(p)).as(p.label()).isCloseTo(want, within(1e-5 * want));
    }
  }

  @Test
  void sameSeedSameEventsAndTheFileRoundTripsIn2025Layout() {
    SyntheticGenerator.Config config = new SyntheticGenerator.Config(9, 50, 60, 70, 80);
    Path file = tmp.resolve("synthetic.parquet");
    EventTable a = SyntheticGenerator.write(config, file);
    EventTable b = SyntheticGenerator.generate(config);
    EventTable c = SyntheticGenerator.generate(new SyntheticGenerator.Config(10, 50, 60, 70, 80));
    EventTable read = HiggsMlReader.readParquet(file);
    for (String f : Columns.FEATURES) {
      assertThat(b.column(f)).as(f).isEqualTo(a.column(f));
      assertThat(read.column(f)).as(f).isEqualTo(a.column(f));
    }
    assertThat(read.weights()).isEqualTo(a.weights());
    assertThat(read.processes()).isEqualTo(a.processes());
    assertThat(c.column(Columns.PRI_MET)).isNotEqualTo(a.column(Columns.PRI_MET));
  }

  @Test
  void kinematicsDifferByProcessAsThePhysicsSays() {
    // 125 vs 91 GeV resonances seen through the taus' visible decay products
    assertThat(mean(PhysicsProcess.HTAUTAU, Columns.DER_MASS_VIS))
        .isGreaterThan(mean(PhysicsProcess.ZTAUTAU, Columns.DER_MASS_VIS) + 10);
    assertThat(mean(PhysicsProcess.TTBAR, Columns.PRI_N_JETS))
        .isGreaterThan(2.5)
        .isGreaterThan(3 * mean(PhysicsProcess.ZTAUTAU, Columns.PRI_N_JETS));
    assertThat(mean(PhysicsProcess.TTBAR, Columns.PRI_MET))
        .isGreaterThan(2.5 * mean(PhysicsProcess.ZTAUTAU, Columns.PRI_MET));
    assertThat(mean(PhysicsProcess.DIBOSON, Columns.PRI_MET))
        .isGreaterThan(2 * mean(PhysicsProcess.ZTAUTAU, Columns.PRI_MET));
    float[] j1 = synthetic.column(Columns.PRI_JET_LEADING_PT);
    float[] j2 = synthetic.column(Columns.PRI_JET_SUBLEADING_PT);
    for (int i = 0; i < synthetic.size(); i++) {
      assertThat(synthetic.column(Columns.PRI_LEP_PT)[i]).isGreaterThanOrEqualTo(20f);
      assertThat(synthetic.column(Columns.PRI_HAD_PT)[i]).isGreaterThanOrEqualTo(23f);
      assertThat(j1[i] == Columns.MISSING || j1[i] >= 23f).isTrue();
      assertThat(j2[i] == Columns.MISSING || j2[i] <= j1[i]).isTrue();
    }
  }

  @Test
  void tesMovesTheSignalToBackgroundRatioAndJesTheTwoJetYieldOfAFixedSelection() {
    // a selection fixed at nominal: the central 68% of the signal's visible mass
    EventTable nominal = Systematics.apply(synthetic, NuisanceParameters.NOMINAL, rng()).events();
    float[] mass = signalValues(nominal, Columns.DER_MASS_VIS);
    java.util.Arrays.sort(mass);
    double lo = mass[(int) (0.16 * mass.length)];
    double hi = mass[(int) (0.84 * mass.length)];
    double sbNominal = massWindowSb(nominal, lo, hi);
    double sbTesDown = massWindowSb(systematics(0.97, 1.0), lo, hi);
    double sbTesUp = massWindowSb(systematics(1.03, 1.0), lo, hi);
    double twoJetNominal = twoJetBackground(nominal);
    double twoJetJesDown = twoJetBackground(systematics(1.0, 0.95));
    double twoJetJesUp = twoJetBackground(systematics(1.0, 1.05));
    System.out.printf(
        "S/B in DER_mass_vis [%.1f, %.1f]: tes 0.97 %.3e, 1 %.3e, 1.03 %.3e%n",
        lo, hi, sbTesDown, sbNominal, sbTesUp);
    System.out.printf(
        "background with >= 2 jets: jes 0.95 %.4g, 1 %.4g, 1.05 %.4g%n",
        twoJetJesDown, twoJetNominal, twoJetJesUp);
    assertThat(Math.abs(sbTesUp / sbTesDown - 1)).isGreaterThan(0.05);
    assertThat(twoJetJesUp / twoJetJesDown - 1).isGreaterThan(0.05);
  }

  @Test
  void marginalsAreCloseToTheReal2025SampleAndComparableTo2014() {
    EventTable real2025 = TestData.sample2025();
    EventTable real2014 = HiggsMlReader.readCsv2014(TestData.csv2014());
    StringBuilder table =
        new StringBuilder("| feature | KS vs 2025 | KS vs 2014 | KS 2014 vs 2025 |\n");
    table.append("| --- | --- | --- | --- |\n");
    double worst2025 = 0;
    for (String f : Columns.FEATURES) {
      double d2025 = WeightedKs.distance(synthetic, real2025, f);
      double d2014 = WeightedKs.distance(synthetic, real2014, f);
      double realVsReal = WeightedKs.distance(real2014, real2025, f);
      table.append(String.format("| %s | %.3f | %.3f | %.3f |%n", f, d2025, d2014, realVsReal));
      worst2025 = Math.max(worst2025, d2025);
    }
    System.out.print(table);
    // the 2025 sample (634 Z events of equal weight) resolves KS distances of ~0.06 (95%); the
    // bound guards the generator against regressions, it does not claim agreement (the report's
    // GeneratorRealismTest holds the tuned features below 0.10 after the post-selection)
    assertThat(worst2025).isLessThan(0.20);
  }

  private static EventTable systematics(double tes, double jes) {
    return Systematics.apply(synthetic, new NuisanceParameters(tes, jes, 0, 1, 1, 1), rng())
        .events();
  }

  private static SplittableRandom rng() {
    return new SplittableRandom(1);
  }

  private static double massWindowSb(EventTable t, double lo, double hi) {
    float[] m = t.column(Columns.DER_MASS_VIS);
    return signalToBackground(t, i -> m[i] >= lo && m[i] <= hi);
  }

  private static double twoJetBackground(EventTable t) {
    float[] n = t.column(Columns.PRI_N_JETS);
    double b = 0;
    for (int i = 0; i < t.size(); i++) {
      if (n[i] >= 2 && !t.process(i).isSignal()) {
        b += t.weights()[i];
      }
    }
    return b;
  }

  /** Weighted signal over weighted background among the selected events. */
  private static double signalToBackground(EventTable t, IntPredicate selected) {
    double s = 0;
    double b = 0;
    for (int i = 0; i < t.size(); i++) {
      if (selected.test(i)) {
        if (t.process(i).isSignal()) {
          s += t.weights()[i];
        } else {
          b += t.weights()[i];
        }
      }
    }
    return s / b;
  }

  private static float[] signalValues(EventTable t, String f) {
    return t.filter(mask(t)).column(f);
  }

  private static boolean[] mask(EventTable t) {
    boolean[] keep = new boolean[t.size()];
    for (int i = 0; i < keep.length; i++) {
      keep[i] = t.process(i).isSignal();
    }
    return keep;
  }

  private static double mean(PhysicsProcess p, String f) {
    double sum = 0;
    int n = 0;
    float[] v = synthetic.column(f);
    for (int i = 0; i < synthetic.size(); i++) {
      if (synthetic.process(i) == p && v[i] != Columns.MISSING) {
        sum += v[i];
        n++;
      }
    }
    return sum / n;
  }
}
