package org.cnflows.higgsml.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.util.Map;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.contrastive.Classifier;
import org.cnflows.contrastive.CnfSet;
import org.cnflows.contrastive.ContrastiveLoss;
import org.cnflows.flows.TrainingListener;
import org.cnflows.higgsml.Columns;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.JetCategory;
import org.cnflows.higgsml.Preprocessor;
import org.cnflows.higgsml.SyntheticGenerator;
import org.junit.jupiter.api.Test;

/**
 * The classifier stage at a tiny scale (CNFs of 2 couplings, 100 steps; DNN 2 x 32, 300 steps): the
 * inputs' layout and floors, and a two-headed DNN that separates signal from background on held-out
 * augmented sub-datasets, with and without the CNF columns.
 */
class ClassifierStageTest {

  @Test
  void inputsPadTheCategoryAndAppendFlooredLogDensitiesAndTheDnnSeparatesTheClasses() {
    EventTable pool = SyntheticGenerator.generate(SyntheticGenerator.Config.balanced(9, 1500));
    Preprocessor pre = Preprocessor.fit(pool);
    Map<JetCategory, CnfSet> cnfs =
        CnfStage.train(
            TrainingSets.nominal(pool, pre),
            new CnfStage.Config(2, 16, 1, 100, 256, 1e-3, 5),
            Device.cpu(),
            TrainingListener.NONE);
    try {
      Map<JetCategory, FeatureMatrix> train = TrainingSets.augmented(pool, pre, 6, 2000, 1).sets();
      Map<JetCategory, FeatureMatrix> test = TrainingSets.augmented(pool, pre, 3, 2000, 2).sets();

      FeatureMatrix one = train.get(JetCategory.ONE);
      FeatureMatrix in =
          ClassifierStage.inputs(one, JetCategory.ONE, cnfs.get(JetCategory.ONE), 4096);
      assertThat(in.names().subList(0, 28)).isEqualTo(Columns.FEATURES);
      assertThat(in.names().subList(28, 32))
          .containsExactly("logp_s_c2", "logp_s_c0.5", "logp_b_c2", "logp_b_c0.5");
      int jj = Columns.FEATURES.indexOf(Columns.DER_MASS_JET_JET);
      int met = Columns.FEATURES.indexOf(Columns.PRI_MET);
      int metInCategory = one.names().indexOf(Columns.PRI_MET);
      for (int i = 0; i < in.size(); i++) {
        assertThat(in.x()[i * 32 + jj]).isZero();
        assertThat(in.x()[i * 32 + met]).isEqualTo(one.x()[i * one.dim() + metInCategory]);
        assertThat(in.x()[i * 32 + 29])
            .isGreaterThanOrEqualTo((float) (ContrastiveLoss.DEFAULT_CLAMP / 0.5));
      }
      assertThat(in.weights()).isEqualTo(one.weights());
      assertThat(in.categories()).containsOnly(TrainingSets.head(JetCategory.ONE));
      assertThatThrownBy(() -> ClassifierStage.inputs(one, JetCategory.TWO_PLUS, null, 10))
          .hasMessageContaining("not the features of TWO_PLUS");

      ClassifierStage.Config config = new ClassifierStage.Config(32, 2, 300, 256, 3e-3, 4);
      for (Map<JetCategory, CnfSet> features : java.util.Arrays.asList(cnfs, null)) {
        try (Classifier dnn =
            ClassifierStage.train(train, features, config, Device.cpu(), TrainingListener.NONE)) {
          assertThat(dnn.architecture().heads()).isEqualTo(2);
          double correct = 0;
          double total = 0;
          for (JetCategory cat : TrainingSets.ANALYSIS_CATEGORIES) {
            FeatureMatrix rows =
                ClassifierStage.inputs(
                    test.get(cat), cat, features == null ? null : features.get(cat), 4096);
            double[] score = dnn.scores(rows, 4096);
            for (int i = 0; i < score.length; i++) {
              boolean right = (score[i] > 0.5) == (rows.labels()[i] == 1);
              correct += right ? rows.weights()[i] : 0;
              total += rows.weights()[i];
            }
          }
          System.out.printf(
              "DNN %s CNF log p: weighted accuracy on held-out sub-datasets %.3f%n",
              features == null ? "without" : "with", correct / total);
          assertThat(correct / total).isGreaterThan(0.7);
        }
      }
    } finally {
      cnfs.values().forEach(CnfSet::close);
    }
    assertThatThrownBy(() -> new ClassifierStage.Config(0, 2, 10, 8, 1e-3, 1))
        .hasMessageContaining("hidden = 0");
  }
}
