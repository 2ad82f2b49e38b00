package org.cnflows.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.cnflows.stats.intervals.Interval;
import org.cnflows.stats.intervals.ProfileLikelihood;
import org.cnflows.stats.models.BinnedTemplateNll;
import org.cnflows.stats.toys.ToyTemplates;
import org.junit.jupiter.api.Test;

/** The quick start of inference-stats/README.md, kept compiling and checked. */
class ReadmeQuickStartTest {

  @Test
  void quickStartRuns() {
    BinnedTemplateNll model = ToyTemplates.peakOnFallingBackground(100, 11);
    BinnedTemplateNll data =
        model.poissonToy(new double[] {1.0, 0.5, -0.5}, new SplittableRandom(1));
    FitResult fit = Fitter.defaults().fit(data);
    Interval mu = new ProfileLikelihood(data, Fitter.defaults()).interval("mu", 0.6827, true);
    List<Impact> impacts = Fitter.defaults().impacts(data, fit, "mu");

    assertThat(fit.status()).isEqualTo(FitStatus.CONVERGED);
    assertThat(mu.contains(fit.value("mu"))).isTrue();
    // the profile interval and the Hessian error agree for this nearly Gaussian likelihood
    assertThat(mu.width())
        .isCloseTo(2 * fit.error("mu"), org.assertj.core.api.Assertions.within(0.1 * mu.width()));
    assertThat(impacts).extracting(Impact::name).containsExactly("a", "b");
  }
}
