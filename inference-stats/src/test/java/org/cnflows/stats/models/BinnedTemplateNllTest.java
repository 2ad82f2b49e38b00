package org.cnflows.stats.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.analysis.interpolation.SplineInterpolator;
import org.apache.commons.math3.analysis.polynomials.PolynomialSplineFunction;
import org.cnflows.stats.FitResult;
import org.cnflows.stats.FitStatus;
import org.cnflows.stats.Fitter;
import org.cnflows.stats.Parameter;
import org.cnflows.stats.Parameters;
import org.cnflows.stats.toys.ToyTemplates;
import org.junit.jupiter.api.Test;

class BinnedTemplateNllTest {

  static double[] grid(double lo, double hi, int n) {
    double[] g = new double[n];
    for (int i = 0; i < n; i++) {
      g[i] = lo + (hi - lo) * i / (n - 1);
    }
    return g;
  }

  @Test
  void countingExperimentHasTheClosedFormFit() {
    Parameters ps = Parameters.of(Parameter.of("mu", 1, -5, 20));
    BinnedTemplateNll nll =
        new BinnedTemplateNll(
            ps,
            List.of(
                new Process("sig", TemplateGrid.fixed(new double[] {10}), List.of("mu")),
                new Process("bkg", TemplateGrid.fixed(new double[] {5}), List.of())),
            new double[] {42});
    FitResult r = Fitter.defaults().fit(nll);
    assertThat(r.value("mu")).isCloseTo(3.7, within(1e-6));
    assertThat(r.error("mu")).isCloseTo(Math.sqrt(42) / 10, within(1e-5));
    assertThat(r.nll()).isCloseTo(0, within(1e-10));
  }

  /** Separable templates f(a) g(b) per bin: the tensor spline is the product of 1-D splines. */
  @Test
  void tensorSplineOfASeparableTemplateIsTheProductOfSplines() {
    double[] ga = grid(-3, 3, 11);
    double[] gb = grid(-2, 2, 5);
    double[][] h = new double[ga.length * gb.length][];
    for (int i = 0; i < ga.length; i++) {
      for (int j = 0; j < gb.length; j++) {
        double f = Math.exp(0.3 * ga[i]);
        double g = 2 + Math.sin(gb[j]);
        h[i * gb.length + j] = new double[] {f * g, f, g};
      }
    }
    TemplateGrid t = new TemplateGrid(List.of("a", "b"), List.of(ga, gb), h);
    double[] fa = new double[ga.length], gg = new double[gb.length];
    for (int i = 0; i < ga.length; i++) {
      fa[i] = Math.exp(0.3 * ga[i]);
    }
    for (int j = 0; j < gb.length; j++) {
      gg[j] = 2 + Math.sin(gb[j]);
    }
    PolynomialSplineFunction sa = new SplineInterpolator().interpolate(ga, fa);
    PolynomialSplineFunction sb = new SplineInterpolator().interpolate(gb, gg);
    for (double a : new double[] {-2.71, 0.05, 1.9}) {
      for (double b : new double[] {-1.3, 0.77}) {
        double[] v = t.at(new double[] {a, b});
        assertThat(v[0]).isCloseTo(sa.value(a) * sb.value(b), within(1e-12));
        assertThat(v[1]).isCloseTo(sa.value(a), within(1e-12));
        assertThat(v[2]).isCloseTo(sb.value(b), within(1e-12));
      }
    }
  }

  /** mu + 2 constrained nuisances, 100 bins, 11 x 11 grid (the benchmark's model). */
  static BinnedTemplateNll benchmarkModel() {
    return ToyTemplates.peakOnFallingBackground(100, 11);
  }

  @Test
  void asimovFitReturnsTheTruth() {
    BinnedTemplateNll model = benchmarkModel();
    double[] truth = {1.3, 0.4, -0.6};
    FitResult r = Fitter.defaults().fit(model.asimov(truth));
    assertThat(r.status()).isEqualTo(FitStatus.CONVERGED);
    // constraints pull the nuisances towards 0, so compare with the fit of n = nu(truth) without
    // them: mu is recovered when the nuisances are fixed at the truth
    FitResult fixed =
        Fitter.defaults()
            .fit(
                model
                    .asimov(truth)
                    .withParameters(
                        model
                            .parameters()
                            .with("a", p -> p.fixedAt(0.4))
                            .with("b", p -> p.fixedAt(-0.6))));
    assertThat(fixed.value("mu")).isCloseTo(1.3, within(1e-6));
    assertThat(r.value("mu")).isCloseTo(1.3, within(0.2));
  }

  @Test
  void poissonToysAreSeededAndDistributedAroundTheExpectation() {
    BinnedTemplateNll model = benchmarkModel();
    double[] theta = {1, 0, 0};
    double[] a = model.poissonToy(theta, new SplittableRandom(7)).expected(theta);
    BinnedTemplateNll t1 = model.poissonToy(theta, new SplittableRandom(7));
    BinnedTemplateNll t2 = model.poissonToy(theta, new SplittableRandom(7));
    assertThat(t1.value(theta)).isEqualTo(t2.value(theta));
    // the deviance 2 (-ln L) of a Poisson toy at the truth is ~ chi2(100): within 5 sigma
    double dev = 2 * (t1.value(theta) - model.parameters().constraintNll(theta));
    assertThat(dev).isBetween(100 - 5 * Math.sqrt(200), 100 + 5 * Math.sqrt(200));
    assertThat(a).hasSize(100);
  }

  @Test
  void rejectsBadInput() {
    Parameters ps = Parameters.of(Parameter.of("mu", 1, 0, 5), Parameter.of("a", 0, -4, 4));
    TemplateGrid t =
        new TemplateGrid(List.of("a"), List.of(new double[] {-3, 3}), new double[][] {{1}, {2}});
    assertThatThrownBy(
            () ->
                new BinnedTemplateNll(
                    ps, List.of(new Process("s", t, List.of("mu"))), new double[] {1}))
        .hasMessageContaining("a bounds [-4.0, 4.0] exceed the template grid [-3.0, 3.0]");
    assertThatThrownBy(() -> TemplateGrid.fixed(new double[] {1, -2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("histogram 0[1] = -2.0 is negative");
    assertThatThrownBy(
            () ->
                new BinnedTemplateNll(
                    ps,
                    List.of(new Process("s", TemplateGrid.fixed(new double[] {1}), List.of("mu"))),
                    new double[] {Double.NaN}))
        .hasMessageContaining("observed[0] = NaN");
    assertThatThrownBy(
            () ->
                new BinnedTemplateNll(
                    ps,
                    List.of(new Process("s", TemplateGrid.fixed(new double[] {1}), List.of("mu"))),
                    new double[0]))
        .hasMessageContaining("observed is empty");
  }
}
