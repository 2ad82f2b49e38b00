package org.cnflows.higgsml.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import org.cnflows.contrastive.Classifier;
import org.cnflows.flows.TrainingListener;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.NuisanceParameters;
import org.cnflows.higgsml.Preprocessor;
import org.cnflows.higgsml.SyntheticGenerator;
import org.cnflows.stats.intervals.NeymanBelt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The paper's "MLE with nu" at a small scale: the training rows' nuisance blocks, the recovery of
 * an injected (tes, jes) by the nu-hat search on background-only datasets, and the whole method,
 * belt included, on a pseudo-experiment.
 *
 * <p>The network is trained on 400 sub-datasets of 300 events with tes and jes uniform over [0.9,
 * 1.1] ({@link MleNu#trainingSets}); nu-hat is the calibrated Eq. (27) ({@link MleNu.Calibration}).
 * Without the calibration, Eq. (27) on this network ran to the corner (1.03, 1.03) of the search
 * box for every injected value; with the analysis's earlier training (60 sub-datasets at the
 * priors) to tes = 1.03 (module README).
 */
class MleNuTest {

  private static Classifier dnn;
  private static Preprocessor pre;
  private static TrainingSets.Augmented augmented;
  private static EventTable templatePool;

  @BeforeAll
  static void train() {
    EventTable pool = SyntheticGenerator.generate(SyntheticGenerator.Config.balanced(41, 4000));
    pre = Preprocessor.fit(pool);
    long start = System.nanoTime();
    augmented = MleNu.trainingSets(pool, pre, 120_000, 42);
    dnn =
        MleNu.train(
            augmented,
            new ClassifierStage.Config(64, 3, 1000, 512, 2e-3, 43),
            44,
            Device.cpu(),
            TrainingListener.NONE);
    System.out.printf("mle-nu sets and DNN in %.1f s%n", (System.nanoTime() - start) / 1e9);
    templatePool =
        SyntheticGenerator.generate(SyntheticGenerator.Config.balanced(45, 3000))
            .withWeightsScaled(0.03);
  }

  @AfterAll
  static void close() {
    dnn.close();
  }

  @Test
  void trainingRowsCarryTheTrueBlockWhereTheirLabelSaysAndAFakeInTheOther() {
    EventTable pool = SyntheticGenerator.generate(SyntheticGenerator.Config.balanced(46, 500));
    TrainingSets.Augmented a = TrainingSets.augmented(pool, pre, 3, 1000, 47);
    var rows = MleNu.trainingInputs(a, 48);
    int width = rows.dim();
    int tes = rows.names().indexOf("nu_s_tes");
    int tesB = rows.names().indexOf("nu_b_tes");
    assertThat(rows.names().subList(width - 12, width)).isEqualTo(MleNu.BLOCK_COLUMNS);
    int offset = 0;
    for (var cat : TrainingSets.ANALYSIS_CATEGORIES) {
      int[] subset = a.subsetOf().get(cat);
      for (int i = 0; i < subset.length; i++) {
        double truth = a.nuisances().get(subset[i]).tes();
        int row = offset + i;
        int trueColumn = rows.labels()[row] == 1 ? tes : tesB;
        assertThat((double) rows.x()[row * width + trueColumn]).isCloseTo(truth, within(1e-6));
      }
      offset += subset.length;
    }
    assertThat(offset).isEqualTo(rows.size());
    // every class of every sub-dataset carries the same total weight
    int[] subsets = a.subsetOf().get(TrainingSets.ANALYSIS_CATEGORIES.get(0));
    int n = subsets.length;
    double[][] sums = new double[3][2];
    for (int i = 0; i < n; i++) {
      sums[subsets[i]][rows.labels()[i]] += rows.weights()[i];
    }
    for (double[] bySubset : sums) {
      assertThat(bySubset[0]).isCloseTo(sums[0][0], within(1e-3 * sums[0][0]));
      assertThat(bySubset[1]).isCloseTo(sums[0][0], within(1e-3 * sums[0][0]));
    }
  }

  @Test
  void theTrainingSubDatasetsSpreadTesAndJesOverTheirClipRanges() {
    assertThat(augmented.nuisances()).hasSize(400);
    DoubleSummaryStatistics tes = new DoubleSummaryStatistics();
    DoubleSummaryStatistics jes = new DoubleSummaryStatistics();
    augmented.nuisances().forEach(nu -> tes.accept(nu.tes()));
    augmented.nuisances().forEach(nu -> jes.accept(nu.jes()));
    for (DoubleSummaryStatistics s : List.of(tes, jes)) {
      assertThat(s.getMin()).isBetween(0.9, 0.91);
      assertThat(s.getMax()).isBetween(1.09, 1.1);
      assertThat(s.getAverage()).isCloseTo(1.0, within(0.01));
    }
  }

  @Test
  void rowGradientMomentsAreTheWeightedMeanAndTheCovarianceOfThatMean() {
    double[][] g = {{1, 3}, {2, 6}};
    for (float w : new float[] {1, 3}) {
      MleNu.Moments m = MleNu.Moments.of(g, new float[] {w, w});
      assertThat(m.mean()).containsExactly(2, 4);
      // row variances 1 and 4, covariance 2, over the effective number of rows, 2
      assertThat(m.covariance()[0]).containsExactly(0.5, 1);
      assertThat(m.covariance()[1]).containsExactly(1, 2);
    }
    // a row of weight 3 against 1: mean (2.5, 5), effective rows 16 / 10
    MleNu.Moments m = MleNu.Moments.of(g, new float[] {1, 3});
    assertThat(m.mean()).containsExactly(2.5, 5);
    assertThat(m.covariance()[0][0]).isCloseTo(0.75 / 1.6, within(1e-12));
  }

  @Test
  void nuHatRecoversAnInjectedTesAndJesOnBackgroundOnlyData() {
    // a background-rich calibration pool (100k Z -> tau tau): its own statistical error enters
    // nu-hat's error and is of the order of the data's at this size
    EventTable calibrationPool =
        SyntheticGenerator.generate(new SyntheticGenerator.Config(52, 1000, 100_000, 10_000, 1000))
            .withWeightsScaled(0.1);
    MleNu method =
        new MleNu(pre, dnn, calibrationPool, new MleNu.Config(50_000, 200_000, 10, 6), null);
    SyntheticExperiments source = new SyntheticExperiments(1.0);
    for (double[] injected : new double[][] {{1.02, 0.99}, {0.985, 1.015}}) {
      NuisanceParameters nu = new NuisanceParameters(injected[0], injected[1], 1, 1, 1, 1);
      EventTable background = source.generate(0, nu, 49).events();
      NuisanceParameters hat = method.nuHat(background);
      double[][] cov = method.nuHatCovariance(background, hat);
      double tesError = Math.sqrt(cov[0][0]);
      double jesError = Math.sqrt(cov[1][1]);
      System.out.printf(
          "%d events, injected tes %.3f jes %.3f -> nu-hat tes %.4f +- %.4f, jes %.4f +- %.4f%n",
          background.size(), injected[0], injected[1], hat.tes(), tesError, hat.jes(), jesError);
      // errors below the priors' 0.01, so that recovery within 3 of them says something
      assertThat(tesError).isLessThan(0.008);
      assertThat(jesError).isLessThan(0.006);
      assertThat(hat.tes()).isCloseTo(injected[0], within(3 * tesError));
      assertThat(hat.jes()).isCloseTo(injected[1], within(3 * jesError));
      assertThat(hat.softMet()).isEqualTo(MleNu.REFERENCE.softMet());
      assertThat(new double[] {hat.ttbarScale(), hat.dibosonScale(), hat.bkgScale()})
          .containsExactly(1, 1, 1);
    }
  }

  @Test
  void theMethodWithItsBeltTurnsAPseudoExperimentIntoAnInterval() {
    MleNu method = new MleNu(pre, dnn, templatePool, new MleNu.Config(5_000, 30_000, 10, 6), null);
    SyntheticExperiments source = new SyntheticExperiments(0.1);
    long start = System.nanoTime();
    NeymanBelt belt =
        method.belt(
            source::generate,
            new double[] {0, 3, 6},
            7,
            50,
            new Progress(new PrintStream(OutputStream.nullOutputStream()), "toys", 21));
    System.out.printf("mle-nu belt in %.1f s%n", (System.nanoTime() - start) / 1e9);
    HiggsMlPredictor.Prediction p =
        method
            .withBelt(belt)
            .predict(source.generate(1.5, NuisanceParameters.NOMINAL, 51).events());
    System.out.println(p);
    assertThat(p.fit().minimumFound()).isTrue();
    assertThat(p.muHat()).isBetween(-6.0, 6.0);
    assertThat(p.p16()).isLessThanOrEqualTo(p.p84());
    assertThat(p.belt()).isNotNull();
    assertThat(belt.muGrid()).containsExactly(0, 3, 6);
    assertThat(p.events()).isPositive();
  }
}
