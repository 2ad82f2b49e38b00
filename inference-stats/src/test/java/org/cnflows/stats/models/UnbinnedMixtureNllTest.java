package org.cnflows.stats.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.cnflows.stats.FitResult;
import org.cnflows.stats.Fitter;
import org.cnflows.stats.Parameter;
import org.cnflows.stats.Parameters;
import org.junit.jupiter.api.Test;

class UnbinnedMixtureNllTest {

  /** ns signal-only events (ln p_b = -inf) and nb background-only events (ln p_s = -inf). */
  private static LogDensities disjoint(int ns, int nb) {
    double[] ls = new double[ns + nb];
    double[] lb = new double[ns + nb];
    Arrays.fill(ls, ns, ns + nb, Double.NEGATIVE_INFINITY);
    Arrays.fill(lb, 0, ns, Double.NEGATIVE_INFINITY);
    return new LogDensities(ls, lb);
  }

  private static final Parameters MU = Parameters.of(Parameter.of("mu", 1, 0, 50));

  @Test
  void extendedFitOfSeparatedProcessesIsTheSignalCount() {
    LogDensities d = disjoint(30, 70);
    UnbinnedMixtureNll nll = new UnbinnedMixtureNll(MU, "mu", List.of(), nu -> d, 12, 70, true);
    FitResult r = Fitter.defaults().fit(nll);
    // -ln L = mu s - 30 ln(mu s) + const: mu-hat = 30 / s, sigma = sqrt(30) / s
    assertThat(r.value("mu")).isCloseTo(30.0 / 12, within(1e-6));
    assertThat(r.error("mu")).isCloseTo(Math.sqrt(30) / 12, within(1e-5));
  }

  @Test
  void nonExtendedFitIsTheSignalFraction() {
    LogDensities d = disjoint(30, 70);
    UnbinnedMixtureNll nll = new UnbinnedMixtureNll(MU, "mu", List.of(), nu -> d, 1, 1, false);
    FitResult r = Fitter.defaults().fit(nll);
    // mu / (1 + mu) = 30 / 100: mu-hat = 30 / 70
    assertThat(r.value("mu")).isCloseTo(30.0 / 70, within(1e-6));
  }

  @Test
  void nuisancesReachTheCallback() {
    Parameters ps = MU.with("mu", p -> p.withInitial(0.5));
    Parameters both = Parameters.of(ps.get(0), Parameter.gaussian("shift", 0, 1, -3, 3));
    double[] x = {0.1, -0.4, 2.2, 0.9, -1.3};
    UnbinnedMixtureNll nll =
        new UnbinnedMixtureNll(
            both,
            "mu",
            List.of("shift"),
            nu -> {
              double[] ls = new double[x.length], lb = new double[x.length];
              for (int i = 0; i < x.length; i++) {
                ls[i] = -0.5 * Math.pow(x[i] - 1 - nu[0], 2);
                lb[i] = -0.5 * Math.pow(x[i] + nu[0], 2);
              }
              return new LogDensities(ls, lb);
            },
            1,
            1,
            false);
    double expected = 0.5 * 0.3 * 0.3;
    for (int i = 0; i < x.length; i++) {
      double ps1 = Math.exp(-0.5 * Math.pow(x[i] - 1.3, 2));
      double pb1 = Math.exp(-0.5 * Math.pow(x[i] + 0.3, 2));
      expected -= Math.log((0.5 * ps1 + pb1) / 1.5);
    }
    assertThat(nll.value(new double[] {0.5, 0.3})).isCloseTo(expected, within(1e-12));
  }

  @Test
  void rejectsBadEvents() {
    assertThatThrownBy(() -> new LogDensities(new double[0], new double[0]))
        .hasMessageContaining("empty dataset");
    assertThatThrownBy(() -> new LogDensities(new double[] {0, Double.NaN}, new double[] {0, 0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("logSignal[1] = NaN");
    assertThatThrownBy(() -> new UnbinnedMixtureNll(MU, "mu", List.of(), nu -> null, -1, 1, true))
        .hasMessageContaining("s = -1.0");
  }
}
