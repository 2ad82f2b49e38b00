package org.cnflows.stats.toys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.cnflows.stats.Fitter;
import org.cnflows.stats.Parameter;
import org.cnflows.stats.Parameters;
import org.cnflows.stats.intervals.Interval;
import org.cnflows.stats.intervals.MixtureGridProfile;
import org.cnflows.stats.intervals.ProfileLikelihood;
import org.cnflows.stats.models.LogDensities;
import org.cnflows.stats.models.UnbinnedMixtureNll;
import org.junit.jupiter.api.Test;

/** Two independent routes to the T3 profile interval: a continuous fit and the z-grid profile. */
class ToyT3FitTest {

  @Test
  void continuousProfileOfTheUnbinnedMixtureMatchesAFineGridProfile() {
    ToyT3 toy = ToyT3.SMALL;
    double[][] x = toy.generate(1000, 0.2, 0.25 * Math.PI, new SplittableRandom(17));
    Parameters ps =
        Parameters.of(
            Parameter.of("mu", 0.2, 0, 0.5),
            Parameter.of("z", 0.25 * Math.PI, 0.1 * Math.PI, 0.4 * Math.PI));
    UnbinnedMixtureNll nll =
        new UnbinnedMixtureNll(
            ps, "mu", List.of("z"), nu -> toy.logDensities(x, nu[0]), 1, 1, false);
    Interval fit =
        new ProfileLikelihood(nll, Fitter.defaults()).interval("mu", 0.682689492137086, true);

    double[] z = new double[601];
    LogDensities[] d = new LogDensities[z.length];
    for (int k = 0; k < z.length; k++) {
      z[k] = Math.PI * (0.1 + 0.3 * k / 600);
      d[k] = toy.logDensities(x, z[k]);
    }
    Interval grid = new MixtureGridProfile(z, d).muInterval(0.5, 0, 0.5);
    assertThat(fit.lower()).isCloseTo(grid.lower(), within(2e-4));
    assertThat(fit.upper()).isCloseTo(grid.upper(), within(2e-4));
    assertThat(fit.estimate()).isCloseTo(grid.estimate(), within(2e-4));
  }
}
