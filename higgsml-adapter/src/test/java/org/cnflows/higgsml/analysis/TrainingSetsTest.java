package org.cnflows.higgsml.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.higgsml.Columns;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.HiggsMlSamples;
import org.cnflows.higgsml.JetCategory;
import org.cnflows.higgsml.Nuisance;
import org.cnflows.higgsml.NuisanceParameters;
import org.cnflows.higgsml.Preprocessor;
import org.cnflows.higgsml.SyntheticGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrainingSetsTest {

  private static EventTable pool;
  private static Preprocessor pre;

  @BeforeAll
  static void pool() {
    pool = SyntheticGenerator.generate(SyntheticGenerator.Config.balanced(5, 1500));
    pre = Preprocessor.fit(pool);
  }

  private static double classWeight(FeatureMatrix m, int label) {
    double sum = 0;
    for (int i = 0; i < m.size(); i++) {
      sum += m.labels()[i] == label ? m.weights()[i] : 0;
    }
    return sum;
  }

  @Test
  void nominalSetsAreTheCategoriesEventsWithEqualClassWeights() {
    Map<JetCategory, FeatureMatrix> sets = TrainingSets.nominal(pool, pre);
    assertThat(sets).containsOnlyKeys(JetCategory.ONE, JetCategory.TWO_PLUS);
    for (JetCategory cat : TrainingSets.ANALYSIS_CATEGORIES) {
      FeatureMatrix m = sets.get(cat);
      assertThat(m.size()).isEqualTo(cat.rows(pool).length);
      assertThat(m.names()).isEqualTo(cat.features());
      assertThat(m.categories()).containsOnly(cat.ordinal());
      assertThat(classWeight(m, 1)).isCloseTo(classWeight(m, 0), within(1e-3 * m.weightSum()));
      assertThat(m.x()).isEqualTo(pre.transform(pool, cat).x());
    }
    assertThatThrownBy(() -> TrainingSets.head(JetCategory.ZERO))
        .hasMessageContaining("jet category ZERO is not analysed");
  }

  @Test
  void augmentedSubDatasetsAreSeededBalancedAndShiftedByTheirNuisances() {
    TrainingSets.Augmented three = TrainingSets.augmented(pool, pre, 3, 2000, 11);
    TrainingSets.Augmented one = TrainingSets.augmented(pool, pre, 1, 2000, 11);
    TrainingSets.Augmented again = TrainingSets.augmented(pool, pre, 3, 2000, 11);
    assertThat(three.nuisances()).hasSize(3).doesNotHaveDuplicates();
    assertThat(three.nuisances().get(0)).isEqualTo(one.nuisances().get(0));
    for (NuisanceParameters nu : three.nuisances()) {
      for (Nuisance n : Nuisance.values()) {
        assertThat(nu.get(n)).isBetween(n.min(), n.max());
      }
    }
    for (JetCategory cat : TrainingSets.ANALYSIS_CATEGORIES) {
      FeatureMatrix m = three.sets().get(cat);
      FeatureMatrix first = one.sets().get(cat);
      assertThat(m.x()).isEqualTo(again.sets().get(cat).x());
      assertThat(java.util.Arrays.copyOf(m.x(), first.x().length)).isEqualTo(first.x());
      assertThat(classWeight(m, 1)).isCloseTo(classWeight(m, 0), within(1e-3 * m.weightSum()));
      assertThat(m.categories()).containsOnly(cat.ordinal());
    }
    int rows = three.sets().values().stream().mapToInt(FeatureMatrix::size).sum();
    assertThat(rows).isLessThan(3 * 2000).isGreaterThan(3 * 2000 / 3);
    assertThatThrownBy(() -> TrainingSets.augmented(pool, pre, 0, 10, 1))
        .hasMessageContaining("subsets = 0");
    assertThatThrownBy(() -> TrainingSets.augmented(pool, pre, 1, pool.size() + 1, 1))
        .hasMessageContaining("the pool's size");
  }

  @Test
  void aSubDatasetWithoutSignalIsNamed() {
    EventTable background = pool.filter(backgroundOnly(pool));
    assertThatThrownBy(() -> TrainingSets.augmented(background, pre, 1, 500, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sub-dataset 0")
        .hasMessageContaining("signal weight 0.0");
  }

  /** Category shares of the real 2025 sample, checked against a direct sum. */
  @Test
  void categorySharesOfTheRealSampleMeasureWhatDroppingZeroJetsCosts() {
    EventTable real = HiggsMlSamples.fairUniverse2025();
    CategoryShares shares = CategoryShares.of(real);
    double s0 = 0;
    double s = 0;
    float[] nJets = real.column(Columns.PRI_N_JETS);
    for (int i = 0; i < real.size(); i++) {
      if (real.process(i).isSignal()) {
        s += real.weights()[i];
        s0 += nJets[i] < 0.5f ? real.weights()[i] : 0;
      }
    }
    assertThat(shares.signalFraction(JetCategory.ZERO)).isCloseTo(s0 / s, within(1e-12));
    double total = 0;
    for (JetCategory c : JetCategory.values()) {
      total += shares.backgroundFraction(c);
    }
    assertThat(total).isCloseTo(1, within(1e-12));
    double loss = shares.sensitivityLossWithout(JetCategory.ZERO);
    System.out.printf(
        "2025 sample: 0-jet share of signal %.3f, of background %.3f; dropping it loses %.3f of"
            + " the counting S/sqrt(B)%n",
        shares.signalFraction(JetCategory.ZERO), shares.backgroundFraction(JetCategory.ZERO), loss);
    double[] sig = new double[3];
    double[] bkg = new double[3];
    for (int i = 0; i < real.size(); i++) {
      int k = JetCategory.of(nJets[i]).ordinal();
      if (real.process(i).isSignal()) {
        sig[k] += real.weights()[i];
      } else {
        bkg[k] += real.weights()[i];
      }
    }
    double[] z2 = new double[3];
    for (int k = 0; k < 3; k++) {
      z2[k] = sig[k] * sig[k] / bkg[k];
    }
    assertThat(loss)
        .isCloseTo(1 - Math.sqrt((z2[1] + z2[2]) / (z2[0] + z2[1] + z2[2])), within(1e-12))
        .isBetween(0.0, 1.0);
  }

  private static boolean[] backgroundOnly(EventTable t) {
    boolean[] keep = new boolean[t.size()];
    for (int i = 0; i < keep.length; i++) {
      keep[i] = !t.process(i).isSignal();
    }
    return keep;
  }
}
