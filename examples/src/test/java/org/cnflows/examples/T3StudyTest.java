package org.cnflows.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.util.List;
import org.cnflows.stats.coverage.CoverageReport;
import org.cnflows.stats.coverage.CoverageStudy;
import org.cnflows.stats.toys.ToyT3;
import org.junit.jupiter.api.Test;

/**
 * The T3 study at reduced scale (10,000 training events per class, 400 flow steps, 3000 classifier
 * steps, 27 datasets at large distance r = 2): the flow and classifier likelihoods are compared
 * with the true likelihood dataset by dataset, since 27 datasets are too few for a coverage figure
 * (its 2-sigma band would be +-0.18). Per method: the mean mu width within 15% of the true one, the
 * mu estimate within a quarter of the true width of the true estimate on average, the z estimate
 * within the true z width (two standard deviations) on average, and the signal probability p_s /
 * (p_s + p_b) within 0.05 RMS. An untrained model (p_s = p_b, independent of z) fails all four.
 *
 * <p>The z bound is two standard deviations because the classifiers' z estimates at this scale
 * depend on the training seed more than on anything else: with the same datasets, the mean |z -
 * z_true| of the classifier was 0.44, 0.46 and 0.83 z widths for three seeds of the batch order
 * (0.75 on other datasets with the last seed; 0.35 with the batch order of an earlier version),
 * while the flow stays near 0.27. The full-scale coverages are in flows-contrastive/README.md.
 */
class T3StudyTest {

  @Test
  void flowAndClassifierIntervalsTrackTheTrueLikelihoodOnTheSameDatasets() {
    List<T3Study.Method> methods =
        T3Study.study(
            new T3Study.Settings(ToyT3.LARGE, 3, 10_000, 400, 3000), Device.cpu(), System.out);
    assertThat(methods)
        .extracting(T3Study.Method::name)
        .containsExactly("flow", "classifier", "true likelihood");
    T3Study.Method truth = methods.get(2);
    CoverageReport trueMu = CoverageStudy.report(truth.mu());
    CoverageReport trueZ = CoverageStudy.report(truth.z());
    List<T3Study.Method> learned = methods.subList(0, 2);
    for (T3Study.Method m : learned) {
      System.out.printf(
          "%s: mu width %.4f (true %.4f), |mu - mu_true| %.4f, |z - z_true| %.4f (true z width"
              + " %.4f), p_s/(p_s+p_b) error %.4f%n",
          m.name(),
          CoverageStudy.report(m.mu()).meanWidth(),
          trueMu.meanWidth(),
          meanAbsoluteDifference(m.mu(), truth.mu()),
          meanAbsoluteDifference(m.z(), truth.z()),
          trueZ.meanWidth(),
          m.probabilityError());
    }
    for (T3Study.Method m : learned) {
      assertThat(CoverageStudy.report(m.mu()).meanWidth())
          .as(m.name())
          .isBetween(0.85 * trueMu.meanWidth(), 1.15 * trueMu.meanWidth());
      assertThat(meanAbsoluteDifference(m.mu(), truth.mu()))
          .as(m.name())
          .isLessThan(0.25 * trueMu.meanWidth());
      assertThat(meanAbsoluteDifference(m.z(), truth.z()))
          .as(m.name())
          .isLessThan(trueZ.meanWidth());
      assertThat(m.probabilityError()).as(m.name()).isLessThan(0.05);
    }
    assertThat(truth.probabilityError()).isZero();
  }

  /** Mean over datasets of |estimate of one method - estimate of the other|. */
  private static double meanAbsoluteDifference(
      List<CoverageStudy.Outcome> a, List<CoverageStudy.Outcome> b) {
    double sum = 0;
    for (int i = 0; i < a.size(); i++) {
      sum += Math.abs(a.get(i).estimate() - b.get(i).estimate());
    }
    return sum / a.size();
  }
}
