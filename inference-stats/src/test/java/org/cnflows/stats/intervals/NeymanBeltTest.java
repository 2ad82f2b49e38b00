package org.cnflows.stats.intervals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.cnflows.common.ModelDirectory;
import org.cnflows.common.Seeds;
import org.cnflows.stats.FitStatus;
import org.cnflows.stats.Fitter;
import org.cnflows.stats.Parameter;
import org.cnflows.stats.Parameters;
import org.cnflows.stats.models.BinnedTemplateNll;
import org.cnflows.stats.models.Process;
import org.cnflows.stats.models.TemplateGrid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NeymanBeltTest {

  private static final NeymanBelt.Estimator GAUSSIAN =
      NeymanBelt.Estimator.ofValue((mu, rng) -> mu + rng.nextGaussian());

  private static double[] grid(double lo, double hi, int n) {
    double[] g = new double[n];
    for (int i = 0; i < n; i++) {
      g[i] = lo + (hi - lo) * i / (n - 1);
    }
    return g;
  }

  private static NeymanBelt.Config config(NeymanBelt.Ordering o, double cl, int threads) {
    return new NeymanBelt.Config(grid(0, 6, 61), 4000, cl, o, 99, threads);
  }

  @Test
  void centralBeltOfAUnitGaussianIsMuPlusMinusOne() {
    NeymanBelt belt = NeymanBelt.build(config(NeymanBelt.Ordering.CENTRAL, 0.6827, 2), GAUSSIAN);
    Interval iv = belt.invert(3.0);
    assertThat(iv.lower()).isCloseTo(2.0, within(0.06));
    assertThat(iv.upper()).isCloseTo(4.0, within(0.06));
    assertThat(belt.lower()[30]).isCloseTo(2.0, within(0.06));
    // 4000 toys: the central quantiles leave (1 - cl)/2 on each side up to a toy
    assertThat(belt.fractionBelow()[30]).isCloseTo(0.15865, within(1.0 / 4000));
    assertThat(belt.fractionAbove()[30]).isCloseTo(0.15865, within(1.0 / 4000));
  }

  @Test
  void likelihoodRatioBeltReproducesFeldmanCousinsForABoundedMean() {
    NeymanBelt belt =
        NeymanBelt.build(config(NeymanBelt.Ordering.LIKELIHOOD_RATIO, 0.9, 2), GAUSSIAN);
    for (double x0 : new double[] {-1.0, 0.5, 3.0}) {
      Interval exact = FeldmanCousins.boundedGaussian(x0, 0.9);
      Interval toys = belt.invert(x0);
      assertThat(toys.lower()).isCloseTo(exact.lower(), within(0.15));
      assertThat(toys.upper()).isCloseTo(exact.upper(), within(0.15));
    }
  }

  /**
   * The analysis's regime: a few hundred toys per point of a heteroscedastic, unbounded estimator
   * (mu-hat = 0.9 mu + (1.5 + 0.1 mu) z) near the physical bound mu = 0. A central belt leaves an
   * estimate below lo(0) without any interval; the likelihood-ratio belt gives an upper limit
   * there, and covers at the bound as in the middle of the grid.
   */
  @Test
  void likelihoodRatioBeltOfFewToysCoversAtTheBoundWithoutEmptyIntervals() {
    NeymanBelt.Estimator estimator =
        NeymanBelt.Estimator.ofValue((mu, rng) -> 0.9 * mu + (1.5 + 0.1 * mu) * rng.nextGaussian());
    double[] grid = grid(0, 6, 25);
    NeymanBelt central =
        NeymanBelt.build(
            new NeymanBelt.Config(grid, 200, 0.6827, NeymanBelt.Ordering.CENTRAL, 5, 2), estimator);
    NeymanBelt ratio =
        NeymanBelt.build(
            new NeymanBelt.Config(grid, 200, 0.6827, NeymanBelt.Ordering.LIKELIHOOD_RATIO, 5, 2),
            estimator);
    assertThat(central.invert(-2.5).status()).isEqualTo(Interval.Status.BELOW_BELT);
    Interval low = ratio.invert(-2.5);
    assertThat(low.status()).isEqualTo(Interval.Status.INSIDE);
    assertThat(low.lower()).isEqualTo(0.0);
    assertThat(low.upper()).isBetween(0.05, 1.0);
    // at the bound the acceptance holds the whole lower tail: an upper limit, not a central band
    assertThat(ratio.fractionBelow()[0]).isLessThan(0.01);
    assertThat(ratio.fractionAbove()[0]).isCloseTo(1 - 0.6827, within(0.01));
    for (int i = 0; i < grid.length; i++) {
      assertThat(1 - ratio.fractionBelow()[i] - ratio.fractionAbove()[i])
          .isBetween(0.6827, 0.6827 + 2.0 / 200);
    }
    SplittableRandom rng = new SplittableRandom(11);
    for (double truth : new double[] {0.1, 2.0}) {
      int n = 4000;
      int covered = 0;
      for (int j = 0; j < n; j++) {
        covered +=
            ratio.invert(0.9 * truth + (1.5 + 0.1 * truth) * rng.nextGaussian()).contains(truth)
                ? 1
                : 0;
      }
      // the binomial 3-sigma band of 4000 draws (0.022) plus the belt's own toy noise (200 toys)
      assertThat(covered / (double) n)
          .as("coverage at mu = " + truth)
          .isCloseTo(0.6827, within(0.05));
    }
  }

  @Test
  void toysDoNotDependOnTheNumberOfThreads() {
    NeymanBelt.Config one =
        new NeymanBelt.Config(grid(0, 2, 5), 300, 0.9, NeymanBelt.Ordering.CENTRAL, 7, 1);
    NeymanBelt.Config two =
        new NeymanBelt.Config(grid(0, 2, 5), 300, 0.9, NeymanBelt.Ordering.CENTRAL, 7, 2);
    assertThat(NeymanBelt.toyEstimates(two, GAUSSIAN))
        .isDeepEqualTo(NeymanBelt.toyEstimates(one, GAUSSIAN));
    assertThat(NeymanBelt.build(two, GAUSSIAN).upper())
        .containsExactly(NeymanBelt.build(one, GAUSSIAN).upper());
  }

  @Test
  void savesAndLoadsTheBelt(@TempDir Path dir) throws IOException {
    NeymanBelt belt =
        NeymanBelt.build(
            new NeymanBelt.Config(grid(0, 2, 5), 200, 0.9, NeymanBelt.Ordering.CENTRAL, 7, 1),
            GAUSSIAN);
    Path saved = dir.resolve("belt");
    belt.save(saved);
    NeymanBelt back = NeymanBelt.load(saved);
    assertThat(ModelDirectory.manifest(saved).type()).isEqualTo(NeymanBelt.TYPE);
    assertThat(ModelDirectory.manifest(saved).seed()).isEqualTo(7);
    assertThat(back.muGrid()).containsExactly(belt.muGrid());
    assertThat(back.lower()).containsExactly(belt.lower());
    assertThat(back.upper()).containsExactly(belt.upper());
    assertThat(back.metadata()).containsEntry("seed", "7").containsEntry("ordering", "CENTRAL");
    assertThat(back.invert(1.0)).isEqualTo(belt.invert(1.0));
    assertThat(back.fractionBelow()).containsExactly(belt.fractionBelow());
    assertThat(back.fractionAbove()).containsExactly(belt.fractionAbove());
  }

  @Test
  void outsideTheBeltIsTheNearestEdgeFlagged() {
    NeymanBelt belt =
        NeymanBelt.build(
            new NeymanBelt.Config(grid(0, 2, 5), 200, 0.9, NeymanBelt.Ordering.CENTRAL, 7, 1),
            GAUSSIAN);
    assertThat(belt.invert(40.0))
        .isEqualTo(new Interval(40.0, 2.0, 2.0, false, true, Interval.Status.ABOVE_BELT));
    assertThat(belt.invert(-40.0))
        .isEqualTo(new Interval(-40.0, 0.0, 0.0, true, false, Interval.Status.BELOW_BELT));
    assertThat(belt.invert(1.0).status()).isEqualTo(Interval.Status.INSIDE);
  }

  /**
   * mu = 0, 1, 2 with lo = -1, 2, 3 and hi = 0, 3, 4: muHat = 1 lies between hi(0) and lo(1), so no
   * grid point accepts it, but the interpolated belt does for lo(mu) = -1 + 3 mu &lt;= 1 &lt;= 3 mu
   * = hi(mu), i.e. mu in [1/3, 2/3].
   */
  @Test
  void anEstimateBetweenGridPointsIsInvertedOnTheInterpolatedBelt() {
    NeymanBelt belt =
        NeymanBelt.of(new double[] {0, 1, 2}, new double[] {-1, 2, 3}, new double[] {0, 3, 4});
    assertThat(belt.failedToys()).containsExactly(0, 0, 0);
    assertThatThrownBy(belt::failedFractions)
        .hasMessage("belt metadata {} does not state its toys");
    assertThatThrownBy(belt::fractionBelow)
        .hasMessage("a belt made from its edges does not know its toys' tails");
    Interval iv = belt.invert(1.0);
    double tol = NeymanBelt.EDGE_TOLERANCE * (4 + 1 + 4 + 1);
    assertThat(iv.lower()).isCloseTo(1.0 / 3, within(tol)).isLessThanOrEqualTo(1.0 / 3);
    assertThat(iv.upper()).isCloseTo(2.0 / 3, within(tol)).isGreaterThanOrEqualTo(2.0 / 3);
    assertThat(iv.status()).isEqualTo(Interval.Status.INSIDE);
    assertThat(iv.lowerAtBound() || iv.upperAtBound()).isFalse();
    NeymanBelt atBound =
        NeymanBelt.of(
            new double[] {0, 3, 6}, new double[] {0, 1, 3.5}, new double[] {2, 5, 6 - 1e-14});
    Interval top = atBound.invert(6.0);
    assertThat(top.status()).isEqualTo(Interval.Status.INSIDE);
    assertThat(top.upper()).isEqualTo(6.0);
    assertThat(top.lower()).isCloseTo(6.0, within(1e-7));
    assertThat(atBound.invert(5.5).lower()).isCloseTo(4.5, within(1e-7));
    assertThat(atBound.invert(6.001).status()).isEqualTo(Interval.Status.ABOVE_BELT);
    NeymanBelt roundedAtZero =
        NeymanBelt.of(
            new double[] {0, 1, 2, 3},
            new double[] {1e-13, 0, 2e-13, 0.5},
            new double[] {1, 2, 3, 4});
    Interval zero = roundedAtZero.invert(0.0);
    assertThat(zero.status()).isEqualTo(Interval.Status.INSIDE);
    assertThat(zero.lower()).isZero();
    assertThat(zero.upper()).isCloseTo(2, within(1e-7)).isGreaterThan(2);
    assertThatThrownBy(
            () -> NeymanBelt.of(new double[] {0, 1}, new double[] {2, 0}, new double[] {1, 1}))
        .hasMessage("belt at mu = 0.0: lower = 2.0, upper = 1.0");
  }

  @Test
  void settingsAreValidated() {
    assertThatThrownBy(
            () -> new NeymanBelt.Config(grid(0, 2, 5), 1, 0.9, NeymanBelt.Ordering.CENTRAL, 7, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "toys = 1 too few for cl = 0.9: each tail (1 - cl)/2 must hold a toy, so toys >= 20");
    assertThat(NeymanBelt.Config.minimumToys(0.6827)).isEqualTo(7);
    assertThatThrownBy(
            () ->
                new NeymanBelt.Config(
                    grid(0, 2, 5), 200, 0.9, NeymanBelt.Ordering.CENTRAL, 7, 1, 1.0))
        .hasMessage("maxFailureFraction = 1.0 outside [0, 1)");
    assertThatThrownBy(
            () -> new NeymanBelt.Config(grid(0, 2, 5), 200, 1.5, NeymanBelt.Ordering.CENTRAL, 7, 1))
        .hasMessageContaining("cl = 1.5");
  }

  /**
   * A counting experiment s mu + b with a 10% background uncertainty: toys draw the background
   * scale from its prior and a Poisson count, the estimator is the profiled fit; the belt interval
   * of the Asimov mu-hat covers the truth and is close to the profile-likelihood one.
   */
  @Test
  void beltFromBinnedPseudoExperimentsWithNuisancesFromPriors() {
    Parameters ps =
        Parameters.of(Parameter.of("mu", 1, -3, 8), Parameter.gaussian("kb", 1, 0.1, 0.5, 1.5));
    BinnedTemplateNll model =
        new BinnedTemplateNll(
            ps,
            List.of(
                new Process("sig", TemplateGrid.fixed(new double[] {20, 10}), List.of("mu")),
                new Process("bkg", TemplateGrid.fixed(new double[] {10, 40}), List.of("kb"))),
            new double[2]);
    Fitter fitter = Fitter.defaults();
    NeymanBelt.Estimator fitMu =
        (mu, rng) -> {
          double[] truth = ps.sampleConstrained(new double[] {mu, 1}, rng);
          return NeymanBelt.Estimate.of(fitter.minimize(model.poissonToy(truth, rng)), "mu");
        };
    NeymanBelt belt =
        NeymanBelt.build(
            new NeymanBelt.Config(grid(0, 3, 16), 300, 0.6827, NeymanBelt.Ordering.CENTRAL, 3, 2),
            fitMu);
    BinnedTemplateNll asimov = model.asimov(new double[] {1.5, 1});
    Interval neyman = belt.invert(fitter.minimize(asimov).value("mu"));
    Interval profile = new ProfileLikelihood(asimov, fitter).interval("mu", 0.6827, true);
    assertThat(neyman.contains(1.5)).isTrue();
    assertThat(neyman.width()).isCloseTo(profile.width(), within(0.2 * profile.width()));
  }

  /**
   * mu-hat = mu + delta + N(0, 1) with a nuisance delta ~ N(0, 0.5^2) drawn from its prior in the
   * toys of the belt and in independent pseudo-experiments: the inverted belt covers the true mu at
   * the nominal 68.27% within the 2-sigma binomial band (plus the belt's own toy noise).
   */
  @Test
  void beltWithANuisanceFromItsPriorCovers() {
    NeymanBelt.ValueEstimator withNuisance =
        (mu, rng) -> mu + 0.5 * rng.nextGaussian() + rng.nextGaussian();
    NeymanBelt belt =
        NeymanBelt.build(
            new NeymanBelt.Config(
                grid(-4, 10, 71), 20000, 0.6827, NeymanBelt.Ordering.CENTRAL, 17, 2),
            NeymanBelt.Estimator.ofValue(withNuisance));
    java.util.random.RandomGenerator rng = new SplittableRandom(2024);
    for (double truth : new double[] {1.0, 3.0}) {
      int n = 4000;
      int covered = 0;
      double width = 0;
      for (int i = 0; i < n; i++) {
        Interval interval = belt.invert(withNuisance.estimate(truth, rng));
        covered += interval.contains(truth) ? 1 : 0;
        width += interval.width();
      }
      double coverage = covered / (double) n;
      System.out.printf(
          "Neyman belt with nuisance prior, mu = %s: coverage %.4f, mean width %.4f%n",
          truth, coverage, width / n);
      double band = 2 * Math.sqrt(0.6827 * 0.3173 / n) + 0.01;
      assertThat(coverage).as("coverage at mu = %s", truth).isCloseTo(0.6827, within(band));
      // the total spread is sqrt(1 + 0.25): the central 68.27% interval is 2 * 1.118 wide
      assertThat(width / n).isCloseTo(2 * Math.sqrt(1.25), within(0.05));
    }
  }

  /** Whether toy j at grid point i fails in {@link #FLAKY}: its first uniform is below 2%. */
  private static boolean flaky(long seed, int i, int j) {
    return Seeds.rng(seed, i, j).nextDouble() < 0.02;
  }

  /** mu-hat = mu + N(0, 1), but a fit that hits its evaluation limit in 2% of the toys. */
  private static final NeymanBelt.Estimator FLAKY =
      (mu, rng) ->
          rng.nextDouble() < 0.02
              ? new NeymanBelt.Estimate(mu, FitStatus.MAX_EVALUATIONS)
              : NeymanBelt.Estimate.converged(mu + rng.nextGaussian());

  @Test
  void failedToysAreCountedPerGridPointAndLeftOut(@TempDir Path dir) throws IOException {
    NeymanBelt.Config config =
        new NeymanBelt.Config(grid(0, 2, 5), 500, 0.9, NeymanBelt.Ordering.CENTRAL, 7, 2, 0.05);
    NeymanBelt belt = NeymanBelt.build(config, FLAKY);
    int[] expected = new int[5];
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 500; j++) {
        expected[i] += flaky(7, i, j) ? 1 : 0;
      }
    }
    assertThat(Arrays.stream(expected).min().orElseThrow()).isPositive();
    assertThat(belt.failedToys()).containsExactly(expected);
    for (int i = 0; i < 5; i++) {
      assertThat(belt.failedFractions()[i]).isEqualTo(expected[i] / 500.0);
    }
    // the failed toys' mu-hat = mu would sit inside the central belt; left out, the belt is the
    // quantiles of the usable toys only
    NeymanBelt.Estimate[][] toys = NeymanBelt.toyEstimates(config, FLAKY);
    double[] usable =
        Arrays.stream(toys[2])
            .filter(NeymanBelt.Estimate::usable)
            .mapToDouble(NeymanBelt.Estimate::value)
            .sorted()
            .toArray();
    double pos = (1 - 0.9) / 2 * (usable.length - 1);
    int k = (int) Math.floor(pos);
    assertThat(belt.lower()[2]).isEqualTo(usable[k] + (pos - k) * (usable[k + 1] - usable[k]));
    Path saved = dir.resolve("belt");
    belt.save(saved);
    assertThat(NeymanBelt.load(saved).failedToys()).containsExactly(expected);
  }

  @Test
  void tooManyFailedToysRefuseTheBeltNamingMuAndCounts() {
    NeymanBelt.Config strict =
        new NeymanBelt.Config(grid(0, 2, 5), 500, 0.9, NeymanBelt.Ordering.CENTRAL, 7, 2);
    int first = 0;
    while (!flaky(7, 0, first)) {
      first++;
    }
    int failed = 0;
    for (int j = 0; j < 500; j++) {
      failed += flaky(7, 0, j) ? 1 : 0;
    }
    assertThatThrownBy(() -> NeymanBelt.build(strict, FLAKY))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "belt refused, allowed failed fraction 0.01 and at least 20 usable toys per mu: at mu"
                + " = 0.0 "
                + failed
                + " of 500 toys failed (fraction "
                + failed / 500.0
                + "), first toy "
                + first
                + ": fit status MAX_EVALUATIONS (mu-hat = 0.0)");
  }

  @Test
  void aNonFiniteEstimateIsAFailedToyNamingMuAndToyIndex() {
    NeymanBelt.Estimator nanAtHalf =
        NeymanBelt.Estimator.ofValue((mu, rng) -> mu == 0.5 ? Double.NaN : mu + rng.nextGaussian());
    assertThatThrownBy(
            () ->
                NeymanBelt.build(
                    new NeymanBelt.Config(
                        grid(0, 2, 5), 20, 0.9, NeymanBelt.Ordering.CENTRAL, 7, 1),
                    nanAtHalf))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "belt refused, allowed failed fraction 0.01 and at least 20 usable toys per mu: at mu"
                + " = 0.5 20 of 20 toys failed (fraction 1.0), first toy 0: mu-hat = NaN");
  }

  @Test
  void anEstimatorThatThrowsIsReportedWithMuAndToyIndex() {
    NeymanBelt.Estimator throwing =
        NeymanBelt.Estimator.ofValue(
            (mu, rng) -> {
              if (mu == 1.0) {
                throw new ArithmeticException("no events");
              }
              return mu;
            });
    assertThatThrownBy(
            () ->
                NeymanBelt.toyEstimates(
                    new NeymanBelt.Config(
                        grid(0, 2, 5), 20, 0.9, NeymanBelt.Ordering.CENTRAL, 7, 1),
                    throwing))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("estimator threw at mu = 1.0, toy 0: java.lang.ArithmeticException: no events")
        .hasCauseInstanceOf(ArithmeticException.class);
  }
}
