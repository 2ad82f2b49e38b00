package org.cnflows.higgsml.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.cnflows.contrastive.Classifier;
import org.cnflows.flows.TrainingListener;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.NuisanceParameters;
import org.cnflows.higgsml.PhysicsProcess;
import org.cnflows.higgsml.SyntheticGenerator;
import org.cnflows.higgsml.Systematics;
import org.cnflows.stats.FitResult;
import org.cnflows.stats.FitStatus;
import org.cnflows.stats.Fitter;
import org.cnflows.stats.models.BinnedTemplateNll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binned likelihood of the template stage, built with tiny models (the closure checks do not
 * need good ones): Asimov data at (mu, jes, tes, soft_met) are fitted back, and the templates
 * respond to tes and soft_met.
 */
class TemplateStageTest {

  private static TinyModels tiny;
  private static EventTable pool;
  private static TemplateStage.Templates built;
  private static BinnedTemplateNll likelihood;

  @BeforeAll
  static void build() {
    tiny = new TinyModels(21);
    pool = SyntheticGenerator.generate(SyntheticGenerator.Config.balanced(22, 3000));
    built =
        TemplateStage.build(
            pool, tiny.models, TemplateStage.Config.square(0.97, 1.03, 3, 10, 1.0, 5));
    likelihood = built.likelihood();
  }

  @AfterAll
  static void close() {
    tiny.close();
  }

  /**
   * The mode of soft_met's log-normal prior, e^(ln 1 - 1^2): where its constraint is smallest, so
   * an Asimov dataset there is its own best fit.
   */
  private static final double SOFT_MET_MODE = Math.exp(-1);

  /**
   * Parameter values with mu, jes and tes set, soft_met at its prior's mode and the background
   * scales nominal.
   */
  private static double[] theta(double mu, double jes, double tes) {
    double[] t = likelihood.parameters().initialValues();
    t[likelihood.parameters().indexOf("mu")] = mu;
    t[likelihood.parameters().indexOf("jes")] = jes;
    t[likelihood.parameters().indexOf("tes")] = tes;
    t[likelihood.parameters().indexOf("soft_met")] = SOFT_MET_MODE;
    return t;
  }

  @Test
  void theAblationComparesSigmaMuWithAndWithoutTheCnfColumns() {
    try (Classifier without =
        ClassifierStage.train(
            TrainingSets.augmented(tiny.pool, tiny.models.preprocessor(), 4, 2000, 1).sets(),
            null,
            new ClassifierStage.Config(32, 2, 200, 256, 3e-3, 4),
            Device.cpu(),
            TrainingListener.NONE)) {
      TemplateStage.Templates ablated =
          TemplateStage.build(
              pool,
              new TemplateStage.Models(tiny.models.preprocessor(), null, without),
              built.config());
      Ablation a = Ablation.compare(built, ablated);
      System.out.print(a.markdown());
      for (double sigma :
          new double[] {a.sigmaWith(), a.sigmaWithout(), a.sigmaStatWith(), a.sigmaStatWithout()}) {
        assertThat(sigma).isFinite().isPositive();
      }
      // fixing the nuisances can only narrow the Hessian error of mu
      assertThat(a.sigmaStatWith()).isLessThanOrEqualTo(a.sigmaWith() * (1 + 1e-6));
      assertThat(a.sigmaStatWithout()).isLessThanOrEqualTo(a.sigmaWithout() * (1 + 1e-6));
      assertThat(a.gain()).isEqualTo(1 - a.sigmaWith() / a.sigmaWithout());
      assertThat(Ablation.sigmas(built.likelihood())[0]).isEqualTo(a.sigmaWith());
    }
  }

  @Test
  void theScoreResponseAgreesWithTheTemplatesAboveTheThreshold() {
    List<ScoreResponse.Row> rows = ScoreResponse.measure(pool, tiny.models, 0.5);
    assertThat(rows)
        .extracting(ScoreResponse.Row::nuisance)
        .containsExactly("tes", "tes", "jes", "jes");
    TemplateStage.Templates t =
        TemplateStage.build(
            pool,
            tiny.models,
            new TemplateStage.Config(
                new double[] {1.0, 1.01},
                new double[] {0.99, 1.0, 1.01},
                new double[] {0, 5},
                10,
                0,
                5));
    for (boolean signal : new boolean[] {true, false}) {
      double[] y = new double[3];
      for (int j = 0; j < 3; j++) {
        for (PhysicsProcess p : t.processes()) {
          if (p.isSignal() == signal) {
            double[] h = t.at(p, 0, j, 0);
            for (int bin = 0; bin < h.length; bin++) {
              if (bin % 10 >= 5) {
                y[j] += h[bin];
              }
            }
          }
        }
      }
      ScoreResponse.Row tes = rows.get(signal ? 0 : 1);
      assertThat(tes.signal()).isEqualTo(signal);
      assertThat(tes.nominalYield()).isCloseTo(y[1], within(1e-6 * y[1]));
      assertThat(tes.percentPerPercent()).isCloseTo(100 * (y[2] - y[0]) / (2 * y[1]), within(1e-6));
      assertThat(tes.error()).isFinite().isPositive();
    }
    System.out.print(ScoreResponse.markdown("pool", rows, "again", rows, 0.5));
    assertThat(ScoreResponse.markdown("pool", rows, "again", rows, 0.5)).contains("| 1.00 |");
  }

  @Test
  void softMetIsAnAxisOfTheTemplatesAndAParameterOfTheLikelihood() {
    double[] axis = {0.99, 1.01};
    TemplateStage.Config config =
        new TemplateStage.Config(axis, axis, new double[] {0, 5}, 10, 1.0, 5);
    TemplateStage.Templates t = TemplateStage.build(pool, tiny.models, config);
    TemplateStage.Templates again = TemplateStage.build(pool, tiny.models, config);
    double[] noNoise = t.at(PhysicsProcess.ZTAUTAU, 1, 0, 0);
    double[] noise = t.at(PhysicsProcess.ZTAUTAU, 1, 0, 1);
    assertThat(again.at(PhysicsProcess.ZTAUTAU, 1, 0, 1)).isEqualTo(noise);
    assertThat(noise).isNotEqualTo(noNoise);
    // soft_met smears MET only: the yields in the analysed categories stay within 2%
    double sumNoise = Arrays.stream(noise).sum();
    double sumNoNoise = Arrays.stream(noNoise).sum();
    assertThat(sumNoise).isCloseTo(sumNoNoise, within(0.02 * sumNoNoise));
    // the likelihood interpolates between the soft_met grid points and is bounded by the axis
    BinnedTemplateNll model = t.likelihood();
    int k = model.parameters().indexOf("soft_met");
    assertThat(model.parameters().get(k).lower()).isEqualTo(0);
    assertThat(model.parameters().get(k).upper()).isEqualTo(5);
    double[] at = model.parameters().initialValues();
    double[] middle = at.clone();
    middle[k] = 2.5;
    double[] low = model.expected(at);
    double[] mid = model.expected(middle);
    at[k] = 5;
    double[] high = model.expected(at);
    for (int b = 0; b < low.length; b++) {
      assertThat(mid[b]).isCloseTo(0.5 * (low[b] + high[b]), within(1e-9 * (1 + high[b])));
    }
    assertThatThrownBy(() -> new TemplateStage.Config(axis, axis, new double[] {0, 6}, 10, 1.0, 5))
        .hasMessageContaining("soft_met axis [0.0, 6.0] leaves soft_met's range [0.0, 5.0]");
    assertThatThrownBy(() -> new TemplateStage.Config(axis, axis, new double[] {1}, 10, 1.0, 5))
        .hasMessageContaining("at least 2 values per axis");
  }

  @Test
  void templatesSurviveSavingAndGiveTheSameLikelihood(@TempDir Path dir) throws Exception {
    built.save(dir);
    TemplateStage.Templates loaded = TemplateStage.Templates.load(dir);
    assertThat(loaded.processes()).isEqualTo(built.processes());
    assertThat(loaded.at(PhysicsProcess.ZTAUTAU, 2, 1, 3))
        .isEqualTo(built.at(PhysicsProcess.ZTAUTAU, 2, 1, 3));
    double[] t = theta(1.7, 0.99, 1.015);
    assertThat(loaded.likelihood().expected(t)).isEqualTo(likelihood.expected(t));
    assertThatThrownBy(
            () ->
                new TemplateStage.Templates(
                    built.config(),
                    built.binOf(),
                    built.processes(),
                    built.histograms().subList(0, 1)))
        .hasMessageContaining("4 processes but 1 template sets");
  }

  @Test
  void theModelHasAProcessPerPhysicsProcessWithTheChallengesNormalizations() {
    assertThat(likelihood.parameters().names())
        .containsExactly(
            "mu", "jes", "tes", "soft_met", "bkg_scale", "ttbar_scale", "diboson_scale");
    double[] nominal = likelihood.expected(theta(1, 1, 1));
    double[] t = theta(1, 1, 1);
    t[likelihood.parameters().indexOf("ttbar_scale")] = 1.1;
    double[] moreTtbar = likelihood.expected(t);
    double total = 0;
    double more = 0;
    for (int b = 0; b < nominal.length; b++) {
      total += nominal[b];
      more += moreTtbar[b];
    }
    double ttbar = SyntheticGenerator.YIELDS_10FB.get(PhysicsProcess.TTBAR);
    System.out.printf(
        "templates: %.0f expected events in the analysed categories; ttbar_scale 1.1 adds %.0f%n",
        total, more - total);
    assertThat(more - total).isPositive().isLessThan(0.1 * ttbar);
  }

  @Test
  void asimovDataAreFittedBack() {
    for (double mu : new double[] {0.5, 1.0, 2.5}) {
      FitResult fit = Fitter.defaults().fit(likelihood.asimov(theta(mu, 1, 1)));
      assertThat(fit.status()).isEqualTo(FitStatus.CONVERGED);
      assertThat(fit.value("mu")).as("mu = %s", mu).isCloseTo(mu, within(1e-3));
      assertThat(fit.value("jes")).isCloseTo(1, within(1e-3));
      assertThat(fit.value("tes")).isCloseTo(1, within(1e-3));
      assertThat(fit.value("soft_met")).isCloseTo(SOFT_MET_MODE, within(1e-2));
    }
  }

  /**
   * Asimov data at tes = 1.02 (2 sigma of the prior, between grid points): the fit moves tes most
   * of the way from the prior's centre towards the truth, since the 10^6 expected events outweigh
   * the 1% prior.
   */
  @Test
  void aShiftedTesIsSeenInTheDataThroughThePrior() {
    FitResult fit = Fitter.defaults().fit(likelihood.asimov(theta(1.0, 1, 1.02)));
    System.out.printf(
        "Asimov at (mu, jes, tes) = (1, 1, 1.02): fit mu %.4f, jes %.4f, tes %.4f%n",
        fit.value("mu"), fit.value("jes"), fit.value("tes"));
    assertThat(fit.value("tes")).isGreaterThan(1.015);
    assertThat(fit.value("mu")).isCloseTo(1, within(0.2));
    double[] nominal = likelihood.expected(theta(1, 1, 1));
    double[] shifted = likelihood.expected(theta(1, 1, 1.02));
    double moved = 0;
    for (int b = 0; b < nominal.length; b++) {
      moved += Math.abs(shifted[b] - nominal[b]);
    }
    assertThat(moved).isGreaterThan(0);
  }

  /**
   * Merging by hand: 4 uniform bins per head, two grid points. From the top of each head down, bins
   * are gathered until the background reaches the minimum at both points; the signal does not
   * count.
   */
  @Test
  void binsAreMergedFromTheTopUntilEveryGridPointHasEnoughBackground() {
    double[] axis = {0.99, 1.01};
    TemplateStage.Config config =
        new TemplateStage.Config(axis, new double[] {1.0, 1.01}, new double[] {0, 5}, 4, 2.0, 5);
    int points = config.points();
    double[][] ztautau = new double[points][];
    double[][] higgs = new double[points][];
    for (int g = 0; g < points; g++) {
      // one jet: bins 0-3, top bin empty at the last grid point; >= 2 jets: bins 4-7
      ztautau[g] = new double[] {5, 1, 1.5, g == points - 1 ? 0 : 3, 9, 0.5, 0.5, 1.5};
      higgs[g] = new double[] {0, 0, 0, 100, 0, 0, 0, 100};
    }
    int[] binOf =
        TemplateStage.merging(
            List.of(PhysicsProcess.HTAUTAU, PhysicsProcess.ZTAUTAU),
            List.of(higgs, ztautau),
            config);
    // one jet: {3, 2} reach 1.5 at the last point: not enough; {3, 2, 1} 2.5; {0} 5
    // two jets: {7, 6} 2.0; {5, 4} 9.5
    assertThat(binOf).containsExactly(0, 1, 1, 1, 2, 2, 3, 3);
    TemplateStage.Templates t =
        new TemplateStage.Templates(
            config,
            binOf,
            List.of(PhysicsProcess.HTAUTAU, PhysicsProcess.ZTAUTAU),
            List.of(
                Arrays.stream(higgs)
                    .map(h -> TemplateStage.merge(binOf, h))
                    .toArray(double[][]::new),
                Arrays.stream(ztautau)
                    .map(h -> TemplateStage.merge(binOf, h))
                    .toArray(double[][]::new)));
    assertThat(t.bins()).isEqualTo(4);
    assertThat(t.merge(ztautau[0])).containsExactly(5, 5.5, 9.5, 2.0);
    assertThat(t.edges()[0]).containsExactly(0, 0.25, 1, 1.5);
    assertThat(t.edges()[1]).containsExactly(0.25, 1, 1.5, 2);
    assertThat(t.likelihood().expected(t.likelihood().parameters().initialValues())).hasSize(4);
    // a minimum the whole head cannot reach
    TemplateStage.Config tooMuch =
        new TemplateStage.Config(axis, new double[] {1.0, 1.01}, new double[] {0, 5}, 4, 20, 5);
    assertThatThrownBy(
            () ->
                TemplateStage.merging(
                    List.of(PhysicsProcess.HTAUTAU, PhysicsProcess.ZTAUTAU),
                    List.of(higgs, ztautau),
                    tooMuch))
        .hasMessageContaining("ONE head's templates hold less than 20.0 expected background");
    // a mapping that joins the two heads is refused
    assertThatThrownBy(
            () ->
                new TemplateStage.Templates(
                    config, new int[] {0, 0, 0, 0, 0, 1, 1, 1}, t.processes(), t.histograms()))
        .hasMessageContaining("merge neighbouring bins of one head only");
  }

  /** The observed histogram of the template pool at nominal nuisances is the nominal template. */
  @Test
  void theObservedHistogramUsesTheTemplatesMergedBins() {
    TemplateStage.Config config =
        new TemplateStage.Config(
            new double[] {1.0, 1.01}, new double[] {1.0, 1.01}, new double[] {0, 5}, 40, 30, 5);
    TemplateStage.Templates t = TemplateStage.build(pool, tiny.models, config);
    assertThat(t.bins()).isLessThan(80).isGreaterThan(2);
    double[] observed =
        t.observed(
            Systematics.apply(
                    pool, new NuisanceParameters(1, 1, 0, 1, 1, 1), new SplittableRandom(1))
                .events(),
            tiny.models);
    double[] nominal = new double[t.bins()];
    for (PhysicsProcess p : t.processes()) {
      double[] h = t.at(p, 0, 0, 0);
      for (int b = 0; b < h.length; b++) {
        nominal[b] += h[b];
      }
    }
    for (int b = 0; b < nominal.length; b++) {
      assertThat(observed[b]).as("bin %d", b).isCloseTo(nominal[b], within(1e-6 * nominal[b]));
    }
  }
}
