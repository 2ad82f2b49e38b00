package org.cnflows.higgsml.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.util.Map;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.contrastive.CnfSet;
import org.cnflows.contrastive.PhiFeatures;
import org.cnflows.flows.TrainingListener;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.JetCategory;
import org.cnflows.higgsml.Preprocessor;
import org.cnflows.higgsml.SyntheticGenerator;
import org.junit.jupiter.api.Test;

/**
 * The CNF stage at a tiny scale (2 couplings of width 16, 150 steps): its mechanics, not the
 * paper's figures. Every category gets the four named CNFs of the paper, and each signal CNF
 * already gives signal events a higher mean log-density than background events (the contrast is
 * what the CNFs learn first).
 */
class CnfStageTest {

  @Test
  void eachCategoryGetsFourNamedCnfsThatSeparateTheClasses() {
    EventTable pool = SyntheticGenerator.generate(SyntheticGenerator.Config.balanced(7, 1500));
    Map<JetCategory, FeatureMatrix> nominal = TrainingSets.nominal(pool, Preprocessor.fit(pool));
    Map<JetCategory, CnfSet> sets =
        CnfStage.train(
            nominal,
            new CnfStage.Config(2, 16, 1, 150, 256, 1e-3, 3),
            Device.cpu(),
            TrainingListener.NONE);
    try {
      assertThat(sets).containsOnlyKeys(JetCategory.ONE, JetCategory.TWO_PLUS);
      assertThat(CnfStage.memberNames()).containsExactly("s_c2", "s_c0.5", "b_c2", "b_c0.5");
      for (Map.Entry<JetCategory, CnfSet> e : sets.entrySet()) {
        CnfSet set = e.getValue();
        assertThat(set.members())
            .extracting(CnfSet.Member::name)
            .containsExactlyElementsOf(CnfStage.memberNames());
        FeatureMatrix rows = nominal.get(e.getKey());
        PhiFeatures phi = new PhiFeatures(set, 4096);
        double[][] signal = phi.logDensities(rows.withLabel(1));
        double[][] background = phi.logDensities(rows.withLabel(0));
        for (int k = 0; k < 2; k++) {
          System.out.printf(
              "%s %s: mean log p on signal %.2f, on background %.2f%n",
              e.getKey(), set.members().get(k).name(), mean(signal[k]), mean(background[k]));
          assertThat(mean(signal[k])).isGreaterThan(mean(background[k]));
        }
      }
    } finally {
      sets.values().forEach(CnfSet::close);
    }
    assertThatThrownBy(() -> new CnfStage.Config(0, 16, 1, 10, 8, 1e-3, 1))
        .hasMessageContaining("layers = 0");
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }
}
