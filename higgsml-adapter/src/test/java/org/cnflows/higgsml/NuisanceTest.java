package org.cnflows.higgsml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.cnflows.stats.Constraint;
import org.cnflows.stats.FitResult;
import org.cnflows.stats.FitStatus;
import org.cnflows.stats.Fitter;
import org.cnflows.stats.NegLogLikelihood;
import org.cnflows.stats.Parameter;
import org.cnflows.stats.Parameters;
import org.junit.jupiter.api.Test;

/** The bridge from the challenge's nuisances to inference-stats parameters. */
class NuisanceTest {

  @Test
  void eachNuisanceIsAParameterConstrainedByItsPriorWithAFiniteNllAtNominal() {
    Parameters ps = Nuisance.parameters();
    assertThat(ps.names())
        .containsExactly("tes", "jes", "soft_met", "ttbar_scale", "diboson_scale", "bkg_scale");
    for (Nuisance n : Nuisance.values()) {
      Parameter p = ps.get(n.ordinal());
      assertThat(p).isEqualTo(n.parameter());
      assertThat(p.initial()).isEqualTo(n.nominal());
      assertThat(new double[] {p.lower(), p.upper()}).containsExactly(n.min(), n.max());
      assertThat(p.fixed()).isFalse();
      assertThat(p.constraint()).contains(n.constraint());
      assertThat(p.constraintNll(n.nominal())).as(n.label()).isFinite();
    }
    assertThat(ps.constraintNll(NuisanceParameters.NOMINAL.values())).isFinite();
    // soft_met at 0 sits on the resolution floor of its log-normal
    double floor = Math.log(Nuisance.SOFT_MET_RESOLUTION);
    assertThat(Nuisance.SOFT_MET.parameter().constraintNll(0))
        .isCloseTo(floor + 0.5 * floor * floor, within(1e-12));
  }

  @Test
  void valuesAreLaidOutAsTheParameters() {
    NuisanceParameters nu = new NuisanceParameters(1.01, 0.98, 2.5, 1.1, 0.7, 0.995);
    assertThat(nu.values()).containsExactly(1.01, 0.98, 2.5, 1.1, 0.7, 0.995);
    assertThat(NuisanceParameters.of(nu.values())).isEqualTo(nu);
    for (Nuisance n : Nuisance.values()) {
      assertThat(nu.values()[Nuisance.parameters().indexOf(n.label())]).isEqualTo(nu.get(n));
    }
    assertThatThrownBy(() -> NuisanceParameters.of(new double[5]))
        .hasMessage("5 values for the 6 nuisance parameters");
  }

  /**
   * 50,000 draws per nuisance, histogrammed in 40 bins over the clip range without its ends (where
   * clipping piles up draws): the counts follow the constraint's density exp(-nll) integrated over
   * each bin (Simpson) and scaled to the draws inside, within the 99.9% quantile of chi^2 over the
   * bins expecting at least 5.
   */
  @Test
  void constraintDensityMatchesTheDrawHistogram() {
    int n = 50_000;
    int bins = 40;
    for (Nuisance nu : Nuisance.values()) {
      SplittableRandom rng = new SplittableRandom(31 + nu.ordinal());
      double width = (nu.max() - nu.min()) / bins;
      double[] counts = new double[bins];
      int inside = 0;
      for (int k = 0; k < n; k++) {
        double v = nu.draw(rng);
        if (v > nu.min() && v < nu.max()) {
          counts[Math.min((int) ((v - nu.min()) / width), bins - 1)]++;
          inside++;
        }
      }
      double[] mass = new double[bins];
      double total = 0;
      for (int b = 0; b < bins; b++) {
        mass[b] = simpson(nu.constraint(), nu.min() + b * width, nu.min() + (b + 1) * width);
        total += mass[b];
      }
      double chi2 = 0;
      int used = 0;
      for (int b = 0; b < bins; b++) {
        double expected = inside * mass[b] / total;
        if (expected >= 5) {
          chi2 += (counts[b] - expected) * (counts[b] - expected) / expected;
          used++;
        }
      }
      double limit = new ChiSquaredDistribution(used - 1).inverseCumulativeProbability(0.999);
      System.out.printf(
          "%s: chi2 %.1f over %d bins (99.9%% limit %.1f)%n", nu.label(), chi2, used, limit);
      assertThat(used).as(nu.label()).isGreaterThan(10);
      assertThat(chi2).as(nu.label()).isLessThan(limit);
    }
  }

  /**
   * A fit of the constraints alone from the nominal values ends at each prior's mode: the center of
   * a Gaussian, e^(-1) for soft_met's log-normal (mode e^(mu - sigma^2)).
   */
  @Test
  void aFitFromTheNominalValuesFindsThePriorModes() {
    Parameters ps = Nuisance.parameters();
    NegLogLikelihood priors = NegLogLikelihood.of(ps, ps::constraintNll);
    FitResult fit = Fitter.defaults().minimize(priors);
    assertThat(fit.status()).isEqualTo(FitStatus.CONVERGED);
    for (Nuisance n : Nuisance.values()) {
      double mode = n.constraint() instanceof Constraint.Gaussian g ? g.center() : Math.exp(-1.0);
      assertThat(fit.value(n.label())).as(n.label()).isCloseTo(mode, within(1e-3 * n.max()));
    }
  }

  private static double simpson(Constraint c, double a, double b) {
    int m = 200;
    double h = (b - a) / m;
    double s = Math.exp(-c.nll(a)) + Math.exp(-c.nll(b));
    for (int i = 1; i < m; i++) {
      s += (i % 2 == 1 ? 4 : 2) * Math.exp(-c.nll(a + i * h));
    }
    return s * h / 3;
  }
}
