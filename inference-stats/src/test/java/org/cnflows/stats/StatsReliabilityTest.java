package org.cnflows.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.cnflows.stats.intervals.FeldmanCousins;
import org.cnflows.stats.intervals.Interval;
import org.cnflows.stats.intervals.NeymanBelt;
import org.cnflows.stats.intervals.ProfileLikelihood;
import org.cnflows.stats.models.BinnedTemplateNll;
import org.cnflows.stats.models.Process;
import org.cnflows.stats.models.TemplateGrid;
import org.junit.jupiter.api.Test;

/**
 * The reliability contract of inference-stats (issue 15): inputs a new user might try that once
 * gave answers which looked valid and were not. Each case asserts the exact outcome: a status that
 * says what the numbers are, or a message naming the bad value. A status never claims what the
 * numbers deny: {@link FitStatus#CONVERGED} comes with a finite, positive error.
 */
class StatsReliabilityTest {

  private static final Parameters X = Parameters.of(Parameter.of("x", 1, 0, 10));

  private static FitResult fit(ToDoubleFunction<double[]> f) {
    return Fitter.defaults().fit(NegLogLikelihood.of(X, f));
  }

  private static void assertNoCovariance(FitResult r) {
    assertThat(r.error("x")).isNaN();
    assertThat(r.covariance()[0][0]).isNaN();
  }

  // ---- Fitter ----

  /** Before: CONVERGED with error NaN and covariance NaN. */
  @Test
  void aNanRegionNextToTheMinimumIsANonFiniteHessianNotConverged() {
    FitResult r = fit(x -> x[0] > 3.0001 && x[0] < 3.01 ? Double.NaN : (x[0] - 3) * (x[0] - 3));
    assertThat(r.status()).isEqualTo(FitStatus.NON_FINITE_HESSIAN);
    assertThat(r.value("x")).isCloseTo(3, within(1e-4));
    assertNoCovariance(r);
  }

  /** Before: CONVERGED with an error of 7.1e149 (the issue's own case: 4.8e153). */
  @Test
  void aMinimumOnABoundWithZeroCurvatureIsZeroCurvatureNotConverged() {
    FitResult r = fit(x -> 1e-300 * x[0] * x[0]);
    assertThat(r.status()).isEqualTo(FitStatus.ZERO_CURVATURE);
    assertNoCovariance(r);
  }

  /** Before: HESSIAN_NOT_POSITIVE_DEFINITE (a linear NLL has no negative curvature). */
  @Test
  void aLinearNllOnABoundIsZeroCurvature() {
    FitResult r = fit(x -> 10 * x[0] + 3);
    assertThat(r.status()).isEqualTo(FitStatus.ZERO_CURVATURE);
    assertThat(r.value("x")).isEqualTo(0.0);
    assertNoCovariance(r);
  }

  @Test
  void aConvergedFitHasAFinitePositiveError() {
    FitResult r = fit(x -> 2 * (x[0] - 3) * (x[0] - 3));
    assertThat(r.status()).isEqualTo(FitStatus.CONVERGED);
    assertThat(r.error("x")).isCloseTo(0.5, within(1e-6));
  }

  // ---- ProfileLikelihood ----

  private static ProfileLikelihood profile(double beyond) {
    return new ProfileLikelihood(
        NegLogLikelihood.of(X, x -> x[0] > 2.5 ? beyond : (x[0] - 2) * (x[0] - 2) / 2),
        Fitter.defaults());
  }

  /** Before: [1.0, 10.0] with the upper end "at the bound" and status INSIDE. */
  @Test
  void anEndInANanRegionIsTheRegionsEdgeWithStatusNonFiniteNll() {
    Interval iv = profile(Double.NaN).intervalAt("x", 0.5, true);
    assertThat(iv.status()).isEqualTo(Interval.Status.NON_FINITE_NLL);
    assertThat(iv.lower()).isCloseTo(1.0, within(1e-6));
    assertThat(iv.lowerAtBound()).isFalse();
    assertThat(iv.upper()).isCloseTo(2.5, within(1e-8));
    assertThat(iv.upperAtBound()).isTrue();
  }

  /** Zero likelihood (+infinity NLL) beyond 2.5 is a genuine end of the set, not an unknown. */
  @Test
  void anInfiniteNllBeyondAPointEndsTheIntervalThere() {
    Interval iv = profile(Double.POSITIVE_INFINITY).intervalAt("x", 0.5, true);
    assertThat(iv.status()).isEqualTo(Interval.Status.INSIDE);
    assertThat(iv.upper()).isCloseTo(2.5, within(1e-8));
    assertThat(iv.upperAtBound()).isFalse();
  }

  /** Before: a zero-width interval for 0, Commons Math's NoBracketingException for -1. */
  @Test
  void aThresholdThatIsNotPositiveIsRefused() {
    ProfileLikelihood p = profile(0);
    assertThatThrownBy(() -> p.intervalAt("x", 0, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("threshold = 0.0 must be > 0 (Delta NLL is 0 at the best fit)");
    assertThatThrownBy(() -> p.intervalAt("x", -1, true))
        .hasMessage("threshold = -1.0 must be > 0 (Delta NLL is 0 at the best fit)");
  }

  // ---- BinnedTemplateNll ----

  private static BinnedTemplateNll counting(double[] signal, double[] observed) {
    return new BinnedTemplateNll(
        Parameters.of(Parameter.of("mu", 1, 0, 5)),
        List.of(new Process("s", TemplateGrid.fixed(signal), List.of("mu"))),
        observed);
  }

  /** Before: NLL = 2125.49 (a log(MIN_NORMAL) term) and a fit that looked fine. */
  @Test
  void observedEventsInAZeroExpectationBinMakeTheNllInfinite() {
    BinnedTemplateNll nll = counting(new double[] {10, 0}, new double[] {10, 3});
    assertThat(nll.value(new double[] {1})).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(Fitter.defaults().fit(nll).status()).isEqualTo(FitStatus.NON_FINITE_NLL);
  }

  @Test
  void aBinWhoseExpectationVanishesOnlyAtZeroSignalExcludesZero() {
    BinnedTemplateNll nll = counting(new double[] {10, 2}, new double[] {10, 3});
    assertThat(nll.value(new double[] {0})).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(counting(new double[] {10, 0}, new double[] {10, 0}).value(new double[] {1}))
        .isEqualTo(0.0);
    FitResult r = Fitter.defaults().fit(nll);
    assertThat(r.status()).isEqualTo(FitStatus.CONVERGED);
    assertThat(r.value("mu")).isCloseTo(13.0 / 12, within(1e-5));
  }

  // ---- FeldmanCousins ----

  /** Before: no answer in 120 s. */
  @Test
  void aHugeBackgroundIsRefusedAtOnceNamingIt() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () ->
            assertThatThrownBy(() -> FeldmanCousins.poisson(0, 1e6, 0.9))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                    "background b = 1000000.0 exceeds 10000.0: the Poisson construction's cost"
                        + " grows with b; use boundedGaussian with x0 = (n - b) / sqrt(b)"));
  }

  /** The costliest accepted case, n = 0 at the largest background, answers in bounded time. */
  @Test
  void theLargestAcceptedBackgroundAnswersInBoundedTime() {
    Interval iv =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30),
            () -> FeldmanCousins.poisson(0, FeldmanCousins.MAX_BACKGROUND, 0.9));
    assertThat(iv.lower()).isEqualTo(0.0);
    assertThat(iv.upper()).isPositive();
  }

  /** Before: no answer (the scan for an accepted mu never ended). */
  @Test
  void anEmptyConstructionIsAMessageNotAHang() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () ->
            assertThatThrownBy(() -> FeldmanCousins.poisson(0, 100, 0.1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                    "no signal mu in [0, 15.0] has n = 0 in its acceptance region (b = 100.0,"
                        + " cl = 0.1): the construction's interval is empty"));
  }

  /** Before: [0, 4], [0, 0], [0, 0] and no answer (cl = 1). */
  @Test
  void poissonAcceptanceValidatesItsArguments() {
    assertThatThrownBy(() -> FeldmanCousins.poissonAcceptance(-1, 3, 0.9))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("signal mu = -1.0 is not a finite mean >= 0");
    assertThatThrownBy(() -> FeldmanCousins.poissonAcceptance(1, -1, 0.9))
        .hasMessage("background b = -1.0 is not a finite count >= 0");
    assertThatThrownBy(() -> FeldmanCousins.poissonAcceptance(Double.NaN, 3, 0.9))
        .hasMessage("signal mu = NaN is not a finite mean >= 0");
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () ->
            assertThatThrownBy(() -> FeldmanCousins.poissonAcceptance(1, 3, 1))
                .hasMessage("confidence level cl = 1.0 outside (0, 1)"));
  }

  /** Before: NoBracketingException (mu = -1, NaN), [-199.5, 21.0] for cl = 1. */
  @Test
  void gaussianAcceptanceValidatesItsArguments() {
    assertThatThrownBy(() -> FeldmanCousins.gaussianAcceptance(-1, 0.9))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("mean mu = -1.0 is not finite and >= 0 (the construction bounds mu >= 0)");
    assertThatThrownBy(() -> FeldmanCousins.gaussianAcceptance(Double.NaN, 0.9))
        .hasMessage("mean mu = NaN is not finite and >= 0 (the construction bounds mu >= 0)");
    assertThatThrownBy(() -> FeldmanCousins.gaussianAcceptance(1, 1))
        .hasMessage("confidence level cl = 1.0 outside (0, 1)");
  }

  // ---- NeymanBelt ----

  /** Before: a zero-width belt from 1 toy per mu. */
  @Test
  void aBeltFromOneToyIsRefused() {
    assertThatThrownBy(
            () ->
                new NeymanBelt.Config(
                    new double[] {0, 1, 2}, 1, 0.6827, NeymanBelt.Ordering.CENTRAL, 3, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "toys = 1 too few for cl = 0.6827: each tail (1 - cl)/2 must hold a toy, so toys >= 7");
  }

  /** Before: an exception whose message repeated the class name. */
  @Test
  void anEstimatorReturningNanNamesMuToyAndValue() {
    NeymanBelt.Config config =
        new NeymanBelt.Config(
            new double[] {0, 1, 2}, 7, 0.6827, NeymanBelt.Ordering.LIKELIHOOD_RATIO, 3, 1);
    assertThatThrownBy(
            () ->
                NeymanBelt.build(
                    config, NeymanBelt.Estimator.ofValue((mu, rng) -> mu > 1.5 ? Double.NaN : mu)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "belt refused, allowed failed fraction 0.01 and at least 7 usable toys per mu: at mu"
                + " = 2.0 7 of 7 toys failed (fraction 1.0), first toy 0: mu-hat = NaN");
  }
}
