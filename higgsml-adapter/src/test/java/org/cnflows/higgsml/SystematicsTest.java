package org.cnflows.higgsml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SystematicsTest {
  private static final String ROW = TestData.ROW;
  private static EventTable original;

  @BeforeAll
  static void load() {
    original = TestData.withRowColumn(TestData.sample2025());
  }

  private static SystematicsResult apply(NuisanceParameters nu, long seed) {
    return Systematics.apply(original, nu, new SplittableRandom(seed));
  }

  private static NuisanceParameters kinematic(double tes, double jes, double softMet) {
    return new NuisanceParameters(tes, jes, softMet, 1, 1, 1);
  }

  @Test
  void nominalKeeps925EventsOf1000And67LoseAJetWithKinematicsUnchanged() {
    SystematicsResult r = apply(NuisanceParameters.NOMINAL, 1);
    PostSelection ps = r.postSelection();
    System.out.println("nominal post-selection on the 2025 sample: " + ps);
    assertThat(ps.input()).isEqualTo(1000);
    assertThat(ps.kept()).isEqualTo(925);
    assertThat(ps.eventsLosingJet()).isEqualTo(67);
    EventTable kept = r.events();
    assertThat(kept.size()).isEqualTo(925);
    float[] rows = kept.column(ROW);
    assertThat(r.keptRows()).hasSize(925);
    for (int k = 0; k < kept.size(); k++) {
      assertThat(r.keptRows()[k]).as("kept row %d", k).isEqualTo((int) rows[k]);
    }
    float[] nJets = kept.column(Columns.PRI_N_JETS);
    for (int k = 0; k < kept.size(); k++) {
      int i = (int) rows[k];
      int lost = Math.round(original.column(Columns.PRI_N_JETS)[i] - nJets[k]);
      assertThat(lost).isBetween(0, 2);
      for (String c : Columns.PRI) {
        float want = original.column(c)[i];
        float got = kept.column(c)[k];
        boolean jetColumn = c.startsWith("PRI_jet_") || c.equals(Columns.PRI_N_JETS);
        if (lost == 0 || !jetColumn) {
          assertThat((double) got).as("%s row %d", c, i).isCloseTo(want, within(1e-3));
        }
      }
      assertThat(kept.column(Columns.PRI_HAD_PT)[k]).isGreaterThanOrEqualTo(26f);
      assertThat(kept.column(Columns.PRI_LEP_PT)[k]).isGreaterThanOrEqualTo(20f);
      assertThat(kept.weights()[k]).isEqualTo(original.weights()[i]);
    }
  }

  @Test
  void tesScalesTheHadronicTauAndMovesMetByTheFormula() {
    double tes = 1.05;
    EventTable kept = apply(kinematic(tes, 1, 0), 1).events();
    float[] rows = kept.column(ROW);
    for (int k = 0; k < kept.size(); k++) {
      int i = (int) rows[k];
      double had = original.column(Columns.PRI_HAD_PT)[i];
      double hadPhi = original.column(Columns.PRI_HAD_PHI)[i];
      assertThat((double) kept.column(Columns.PRI_HAD_PT)[k]).isCloseTo(had * tes, within(6e-4));
      double met = original.column(Columns.PRI_MET)[i];
      double metPhi = original.column(Columns.PRI_MET_PHI)[i];
      double mx = met * Math.cos(metPhi) + (1 - tes) * had * Math.cos(hadPhi);
      double my = met * Math.sin(metPhi) + (1 - tes) * had * Math.sin(hadPhi);
      assertThat((double) kept.column(Columns.PRI_MET)[k])
          .isCloseTo(Math.hypot(mx, my), within(6e-4));
      double gotPhi = kept.column(Columns.PRI_MET_PHI)[k];
      assertThat(Math.abs(Math.IEEEremainder(gotPhi - Math.atan2(my, mx), 2 * Math.PI)))
          .isLessThan(6e-4 + 1e-3 / Math.max(1e-3, Math.hypot(mx, my)));
    }
  }

  @Test
  void tesBelowOneDropsMoreEventsAtTheHadronicThreshold() {
    int nominal = apply(NuisanceParameters.NOMINAL, 1).postSelection().droppedHadPt();
    int lowered = apply(kinematic(0.9, 1, 0), 1).postSelection().droppedHadPt();
    int expected = 0;
    for (float had : original.column(Columns.PRI_HAD_PT)) {
      if (Systematics.round3(had * 0.9f) < 26) {
        expected++;
      }
    }
    assertThat(lowered).isEqualTo(expected).isGreaterThan(nominal);
  }

  @Test
  void jesMovesJetsAcrossThe26GeVThresholdAndUpdatesJetCountAndSum() {
    double jes = 0.92;
    SystematicsResult r = apply(kinematic(1, jes, 0), 1);
    EventTable kept = r.events();
    float[] rows = kept.column(ROW);
    int crossedSubleading = 0;
    int crossedLeading = 0;
    for (int k = 0; k < kept.size(); k++) {
      int i = (int) rows[k];
      int n0 = Math.round(original.column(Columns.PRI_N_JETS)[i]);
      double j1 = original.column(Columns.PRI_JET_LEADING_PT)[i];
      double j2 = original.column(Columns.PRI_JET_SUBLEADING_PT)[i];
      boolean drop1 = n0 >= 1 && Systematics.round3((float) j1 * (float) jes) <= 26;
      boolean drop2 = n0 >= 2 && Systematics.round3((float) j2 * (float) jes) <= 26;
      crossedLeading += drop1 && j1 > 26 ? 1 : 0;
      crossedSubleading += drop2 && j2 > 26 ? 1 : 0;
      int expectedJets = n0 - (drop1 ? 1 : 0) - (drop2 ? 1 : 0);
      assertThat(kept.column(Columns.PRI_N_JETS)[k]).as("n_jets row %d", i).isEqualTo(expectedJets);
      double allPt = original.column(Columns.PRI_JET_ALL_PT)[i] * jes;
      if (drop1) {
        allPt -= Systematics.round3((float) j1 * (float) jes);
        assertThat(kept.column(Columns.PRI_JET_LEADING_PT)[k]).isEqualTo(Columns.MISSING);
        assertThat(kept.column(Columns.PRI_JET_LEADING_ETA)[k]).isEqualTo(Columns.MISSING);
      } else if (n0 >= 1) {
        assertThat((double) kept.column(Columns.PRI_JET_LEADING_PT)[k])
            .isCloseTo(j1 * jes, within(6e-4));
      }
      if (drop2) {
        allPt -= Systematics.round3((float) j2 * (float) jes);
        assertThat(kept.column(Columns.PRI_JET_SUBLEADING_PHI)[k]).isEqualTo(Columns.MISSING);
      }
      assertThat((double) kept.column(Columns.PRI_JET_ALL_PT)[k])
          .as("jet_all_pt row %d", i)
          .isCloseTo(allPt, within(2e-3));
      if (expectedJets < 2) {
        assertThat(kept.column(Columns.DER_MASS_JET_JET)[k]).isEqualTo(Columns.MISSING);
      }
    }
    System.out.printf(
        "jes %.2f: %d leading and %d subleading jets crossed 26 GeV; %s%n",
        jes, crossedLeading, crossedSubleading, r.postSelection());
    assertThat(crossedLeading + crossedSubleading).isPositive();
    assertThat(r.postSelection().leadingJetsRemoved() + r.postSelection().subleadingJetsRemoved())
        .isGreaterThan(
            apply(NuisanceParameters.NOMINAL, 1).postSelection().leadingJetsRemoved()
                + apply(NuisanceParameters.NOMINAL, 1).postSelection().subleadingJetsRemoved());
  }

  @Test
  void softMetAddsGaussianNoiseOfTheGivenWidthFromTheCallersSource() {
    double sigma = 3.0;
    SystematicsResult a = apply(kinematic(1, 1, sigma), 7);
    SystematicsResult b = apply(kinematic(1, 1, sigma), 7);
    SystematicsResult c = apply(kinematic(1, 1, sigma), 8);
    assertThat(a.events().column(Columns.PRI_MET)).isEqualTo(b.events().column(Columns.PRI_MET));
    assertThat(a.events().column(Columns.PRI_MET)).isNotEqualTo(c.events().column(Columns.PRI_MET));
    EventTable kept = a.events();
    float[] rows = kept.column(ROW);
    List<Double> dx = new ArrayList<>();
    for (int k = 0; k < kept.size(); k++) {
      int i = (int) rows[k];
      double met0 = original.column(Columns.PRI_MET)[i];
      double phi0 = original.column(Columns.PRI_MET_PHI)[i];
      double met1 = kept.column(Columns.PRI_MET)[k];
      double phi1 = kept.column(Columns.PRI_MET_PHI)[k];
      dx.add(met1 * Math.cos(phi1) - met0 * Math.cos(phi0));
      dx.add(met1 * Math.sin(phi1) - met0 * Math.sin(phi0));
    }
    double mean = dx.stream().mapToDouble(d -> d).average().orElseThrow();
    double var = dx.stream().mapToDouble(d -> (d - mean) * (d - mean)).sum() / (dx.size() - 1);
    // 1850 draws: the sample std has a relative error of ~1.6%; the mean one of sigma/43
    assertThat(Math.sqrt(var)).isCloseTo(sigma, within(0.08 * sigma));
    assertThat(mean).isCloseTo(0, within(4 * sigma / Math.sqrt(dx.size())));
  }

  @Test
  void weightsAreScaledByTheProcessNormalizations() {
    NuisanceParameters nu = new NuisanceParameters(1, 1, 0, 1.1, 1.5, 1.005);
    EventTable kept = apply(nu, 1).events();
    float[] rows = kept.column(ROW);
    for (int k = 0; k < kept.size(); k++) {
      int i = (int) rows[k];
      double factor =
          switch (kept.process(k)) {
            case HTAUTAU -> 1.0;
            case ZTAUTAU, BACKGROUND -> 1.005;
            case TTBAR -> 1.005 * 1.1;
            case DIBOSON -> 1.005 * 1.5;
          };
      assertThat((double) kept.weights()[k])
          .isCloseTo(original.weights()[i] * factor, within(1e-6 * original.weights()[i]));
    }
  }

  @Test
  void derFeaturesOfTheOutputAreRecomputedFromItsPrimaryFeatures() {
    EventTable kept = apply(kinematic(1.03, 0.97, 1.0), 3).events();
    EventTable again = kept.copy();
    DerivedFeatures.compute(again);
    for (String c : Columns.DER) {
      assertThat(kept.column(c)).as(c).isEqualTo(again.column(c));
    }
    assertThat(kept.column(Columns.DER_PT_RATIO_LEP_HAD)[0])
        .isEqualTo(kept.column(Columns.PRI_LEP_PT)[0] / kept.column(Columns.PRI_HAD_PT)[0]);
  }
}
