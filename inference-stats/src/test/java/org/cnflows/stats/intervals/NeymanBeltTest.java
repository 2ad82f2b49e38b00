package org.cnflows.stats.intervals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.cnflows.stats.Fitter;
import org.cnflows.stats.Parameter;
import org.cnflows.stats.Parameters;
import org.cnflows.stats.models.BinnedTemplateNll;
import org.cnflows.stats.models.Process;
import org.cnflows.stats.models.TemplateGrid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NeymanBeltTest {

  private static final NeymanBelt.Estimator GAUSSIAN = (mu, rng) -> mu + rng.nextGaussian();

  private static double[] grid(double lo, double hi, int n) {
    double[] g = new double[n];
    for (int i = 0; i < n; i++) {
      g[i] = lo + (hi - lo) * i / (n - 1);
    }
    return g;
  }

  private static NeymanBelt.Config config(NeymanBelt.Ordering o, double cl, int threads) {
    return new NeymanBelt.Config(grid(0, 6, 61), 4000, cl, o, 120, 99, threads);
  }

  @Test
  void centralBeltOfAUnitGaussianIsMuPlusMinusOne() {
    NeymanBelt belt = NeymanBelt.build(config(NeymanBelt.Ordering.CENTRAL, 0.6827, 2), GAUSSIAN);
    Interval iv = belt.invert(3.0);
    assertThat(iv.lower()).isCloseTo(2.0, within(0.06));
    assertThat(iv.upper()).isCloseTo(4.0, within(0.06));
    assertThat(belt.lower()[30]).isCloseTo(2.0, within(0.06));
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

  @Test
  void toysDoNotDependOnTheNumberOfThreads() {
    NeymanBelt.Config one =
        new NeymanBelt.Config(grid(0, 2, 5), 300, 0.9, NeymanBelt.Ordering.CENTRAL, 50, 7, 1);
    NeymanBelt.Config two =
        new NeymanBelt.Config(grid(0, 2, 5), 300, 0.9, NeymanBelt.Ordering.CENTRAL, 50, 7, 2);
    assertThat(NeymanBelt.toyEstimates(two, GAUSSIAN))
        .isDeepEqualTo(NeymanBelt.toyEstimates(one, GAUSSIAN));
    assertThat(NeymanBelt.build(two, GAUSSIAN).upper())
        .containsExactly(NeymanBelt.build(one, GAUSSIAN).upper());
  }

  @Test
  void savesAndLoadsTheBelt(@TempDir Path dir) throws IOException {
    NeymanBelt belt =
        NeymanBelt.build(
            new NeymanBelt.Config(grid(0, 2, 5), 200, 0.9, NeymanBelt.Ordering.CENTRAL, 50, 7, 1),
            GAUSSIAN);
    Path file = dir.resolve("belt.csv");
    belt.save(file);
    NeymanBelt back = NeymanBelt.load(file);
    assertThat(back.muGrid()).containsExactly(belt.muGrid());
    assertThat(back.lower()).containsExactly(belt.lower());
    assertThat(back.upper()).containsExactly(belt.upper());
    assertThat(back.metadata()).containsEntry("seed", "7").containsEntry("ordering", "CENTRAL");
    assertThat(back.invert(1.0)).isEqualTo(belt.invert(1.0));
  }

  @Test
  void outsideTheBeltIsAClearError() {
    NeymanBelt belt =
        NeymanBelt.build(
            new NeymanBelt.Config(grid(0, 2, 5), 200, 0.9, NeymanBelt.Ordering.CENTRAL, 50, 7, 1),
            GAUSSIAN);
    assertThatThrownBy(() -> belt.invert(40.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("muHat = 40.0 outside the belt");
    assertThatThrownBy(
            () ->
                new NeymanBelt.Config(
                    grid(0, 2, 5), 200, 1.5, NeymanBelt.Ordering.CENTRAL, 50, 7, 1))
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
          return fitter.minimize(model.poissonToy(truth, rng)).value("mu");
        };
    NeymanBelt belt =
        NeymanBelt.build(
            new NeymanBelt.Config(
                grid(0, 3, 16), 300, 0.6827, NeymanBelt.Ordering.CENTRAL, 50, 3, 2),
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
    NeymanBelt.Estimator withNuisance =
        (mu, rng) -> mu + 0.5 * rng.nextGaussian() + rng.nextGaussian();
    NeymanBelt belt =
        NeymanBelt.build(
            new NeymanBelt.Config(
                grid(-4, 10, 71), 20000, 0.6827, NeymanBelt.Ordering.CENTRAL, 120, 17, 2),
            withNuisance);
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
}
