package org.cnflows.contrastive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.cnflows.common.DataFingerprint;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.ModelDirectory;
import org.cnflows.common.Standardization;
import org.cnflows.flows.Activation;
import org.cnflows.flows.TrainingConfig;
import org.cnflows.flows.TrainingListener;
import org.cnflows.flows.TrainingResult;
import org.cnflows.stats.toys.BivariateGaussian;
import org.cnflows.stats.toys.ToyT1;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Classifiers against truth: on T1 (Elsharkawy and Kahn 2025, Sec. 5) the Bayes decision p_s > p_b
 * is the zero contour of p*_1 and its accuracy on equal mixtures is 0.823; on the thesis's T3 toy
 * (Sluijter, Sec. 3.1.1) the log-likelihood ratio log p(x | z) / p(x | z0) is known in closed form.
 */
class ClassifierTest {

  private static final TrainingConfig TRAINING = training(800, 256, 3e-3, 5);

  /** The settings of these tests: no validation split, ending on the last step, quiet. */
  static TrainingConfig training(int steps, int batch, double lr, long seed) {
    return TrainingConfig.builder()
        .optSteps(steps)
        .optBatchSize(batch)
        .optLearningRate(lr)
        .optSeed(seed)
        .optValidationFraction(0)
        .optKeepBest(false)
        .optListener(TrainingListener.NONE)
        .build();
  }

  private static Classifier t1Classifier(int heads, FeatureMatrix data) {
    return Classifier.create(
        new Classifier.Architecture(2, 32, 3, heads, Activation.RELU),
        Standardization.fit(data),
        9,
        Device.cpu());
  }

  /** Accuracy and agreement with the Bayes decision p_s > p_b (swapped in category 1). */
  static double[] accuracy(double[] logLr, FeatureMatrix events) {
    return accuracy(logLr, events.x(), events.labels(), events.categories());
  }

  /** {@link #accuracy(double[], FeatureMatrix)} of row-major 2-D events. */
  static double[] accuracy(double[] logLr, float[] x, int[] labels, int[] categories) {
    int correct = 0;
    int bayesCorrect = 0;
    int agree = 0;
    for (int i = 0; i < labels.length; i++) {
      boolean swapped = categories != null && categories[i] == 1;
      BivariateGaussian s = swapped ? ToyT1.BACKGROUND : ToyT1.SIGNAL;
      BivariateGaussian b = swapped ? ToyT1.SIGNAL : ToyT1.BACKGROUND;
      int bayes =
          s.logDensity(x[2 * i], x[2 * i + 1]) > b.logDensity(x[2 * i], x[2 * i + 1]) ? 1 : 0;
      int decision = logLr[i] > 0 ? 1 : 0;
      correct += decision == labels[i] ? 1 : 0;
      bayesCorrect += bayes == labels[i] ? 1 : 0;
      agree += decision == bayes ? 1 : 0;
    }
    return new double[] {
      correct / (double) labels.length,
      bayesCorrect / (double) labels.length,
      agree / (double) labels.length
    };
  }

  @Test
  void dnnBoundaryOnT1IsTheZeroContourOfTheC1OptimumWithBayesAccuracy() {
    FeatureMatrix train = ToyEvents.labelled(4000, 41, 42);
    FeatureMatrix test = ToyEvents.labelled(20000, 43, 44);
    try (Classifier model = t1Classifier(1, train)) {
      TrainingResult result = ClassifierTrainer.train(model, train, TRAINING);
      assertThat(result.status()).isEqualTo(TrainingResult.Status.COMPLETED);
      List<TrainingListener.Evaluation> h = result.history();
      assertThat(h.get(h.size() - 1).trainLoss()).isLessThan(h.get(0).trainLoss());
      double[] logLr = model.logLikelihoodRatio(test, 4096);
      double[] a = accuracy(logLr, test);
      System.out.printf(
          "T1 DNN: accuracy %.4f, Bayes on the same events %.4f (reference 0.823),"
              + " agreement with p_s > p_b %.4f%n",
          a[0], a[1], a[2]);
      assertThat(a[1]).isCloseTo(0.823, within(0.006));
      assertThat(a[0]).isGreaterThan(a[1] - 0.01);
      assertThat(a[2]).isGreaterThan(0.97);
      double[] scores = model.scores(test, 1000);
      assertThat(scores[0]).isCloseTo(PhiFeatures.phi(logLr[0]), within(1e-12));
    }
  }

  /**
   * Category 1 swaps the classes: one shared head could not beat 1/2, one head per category can.
   */
  @Test
  void multiHeadClassifierLearnsOppositeProblemsPerCategory() {
    FeatureMatrix train = ToyEvents.labelled(4000, 51, 52);
    FeatureMatrix mixed = swapEverySecond(train);
    FeatureMatrix test = swapEverySecond(ToyEvents.labelled(10000, 53, 54));
    try (Classifier model = t1Classifier(2, train)) {
      ClassifierTrainer.train(model, mixed, TRAINING).requireSuccess();
      double[] logLr = model.logLikelihoodRatio(test, 4096);
      double[] a = accuracy(logLr, test);
      System.out.printf(
          "T1 two heads (classes swapped in head 1): accuracy %.4f, Bayes %.4f%n", a[0], a[1]);
      assertThat(a[0]).isGreaterThan(a[1] - 0.015);
      assertThat(a[2]).isGreaterThan(0.95);
      assertThatThrownBy(() -> model.logLikelihoodRatio(test.withCategories(null), 100))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("2 heads");
    }
  }

  /** Every second event in category 1 with its label flipped. */
  private static FeatureMatrix swapEverySecond(FeatureMatrix events) {
    int[] categories = new int[events.size()];
    int[] labels = events.labels().clone();
    for (int i = 0; i < categories.length; i += 2) {
      categories[i] = 1;
      labels[i] = 1 - labels[i];
    }
    return events.withLabels(labels).withCategories(categories);
  }

  /**
   * T3 at the large distance r = 2: x ~ N(r (cos z, sin z), I), so log p(x | z) / p(x | z0) = x .
   * (m(z) - m(z0)) exactly (|m| = r for every z).
   */
  @Test
  void parameterizedClassifierRecoversTheT3LogLikelihoodRatio() {
    double r = 2;
    double z0 = Math.PI / 4;
    int n = 6000;
    SplittableRandom random = new SplittableRandom(61);
    float[] x = new float[2 * n];
    float[] z = new float[n];
    float[] reference = new float[2 * n];
    for (int i = 0; i < n; i++) {
      z[i] = (float) (random.nextDouble() * Math.PI / 2);
      x[2 * i] = (float) (r * Math.cos(z[i]) + random.nextGaussian());
      x[2 * i + 1] = (float) (r * Math.sin(z[i]) + random.nextGaussian());
      reference[2 * i] = (float) (r * Math.cos(z0) + random.nextGaussian());
      reference[2 * i + 1] = (float) (r * Math.sin(z0) + random.nextGaussian());
    }
    int m = 3000;
    float[] test = new float[3 * m];
    double[] truth = new double[m];
    for (int i = 0; i < m; i++) {
      double zi = (0.15 + 0.1 * (i % 3)) * Math.PI;
      double a = r * Math.cos(zi) + random.nextGaussian();
      double b = r * Math.sin(zi) + random.nextGaussian();
      test[3 * i] = (float) a;
      test[3 * i + 1] = (float) b;
      test[3 * i + 2] = (float) zi;
      truth[i] = a * r * (Math.cos(zi) - Math.cos(z0)) + b * r * (Math.sin(zi) - Math.sin(z0));
    }
    float[] all = new float[3 * n];
    for (int i = 0; i < n; i++) {
      all[3 * i] = x[2 * i];
      all[3 * i + 1] = x[2 * i + 1];
      all[3 * i + 2] = z[i];
    }
    try (Classifier model =
        Classifier.create(
            new Classifier.Architecture(3, 32, 3, 1, Activation.RELU),
            Standardization.fit(3, all),
            11,
            Device.cpu())) {
      ClassifierTrainer.trainParameterized(
              model,
              FeatureMatrix.of(x, 2).withContext(z, 1),
              FeatureMatrix.of(reference, 2),
              training(1000, 256, 3e-3, 7))
          .requireSuccess();
      double[] learned = model.logLikelihoodRatio(FeatureMatrix.of(test, 3), 1024);
      double se = 0;
      double var = 0;
      for (int i = 0; i < m; i++) {
        se += (learned[i] - truth[i]) * (learned[i] - truth[i]);
        var += truth[i] * truth[i];
      }
      double rms = Math.sqrt(se / m);
      double spread = Math.sqrt(var / m);
      System.out.printf(
          "T3 parameterized classifier: RMS error of log LR %.3f (RMS of the true log LR %.3f)%n",
          rms, spread);
      assertThat(rms).isLessThan(0.35 * spread);
    }
  }

  @Test
  void savedClassifierGivesIdenticalOutputsAndRecordsProvenance(@TempDir Path dir)
      throws Exception {
    FeatureMatrix events = ToyEvents.labelled(500, 71, 72);
    double[] before;
    try (Classifier model = t1Classifier(1, events)) {
      ClassifierTrainer.train(model, events, training(50, 64, 1e-2, 1));
      before = model.logLikelihoodRatio(events, 128);
      model.save(dir);
    }
    try (Classifier loaded = Classifier.load(dir, Device.cpu())) {
      assertThat(loaded.logLikelihoodRatio(events, 128)).containsExactly(before);
      assertThat(loaded.architecture().hidden()).isEqualTo(32);
      ModelDirectory.Manifest manifest = ModelDirectory.manifest(dir);
      assertThat(manifest.type()).isEqualTo(Classifier.TYPE);
      assertThat(manifest.seed()).isEqualTo(9);
      assertThat(manifest.data()).containsExactly(DataFingerprint.of(events));
      assertThat(loaded.training().maxSteps()).isEqualTo(50);
      assertThat(loaded.training().batchSize()).isEqualTo(64);
    }
  }

  @Test
  void badInputsAreRejectedWithTheirValues() {
    FeatureMatrix s = FeatureMatrix.of(ToyEvents.rows(ToyT1.SIGNAL, 10, 81));
    try (Classifier model = t1Classifier(1, s)) {
      assertThatThrownBy(() -> ClassifierTrainer.train(model, s.withLabels(new int[10]), TRAINING))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("all 10 events have label 0")
          .hasMessageContaining("both classes");
      assertThatThrownBy(() -> ClassifierTrainer.train(model, s, TRAINING))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no labels");
      int[] two = new int[10];
      two[3] = 2;
      assertThatThrownBy(() -> ClassifierTrainer.train(model, s.withLabels(two), TRAINING))
          .hasMessageContaining("labels[3] = 2 is not 0 or 1");
      FeatureMatrix three =
          FeatureMatrix.labelled(
              FeatureMatrix.of(new float[] {1, 2, 3}, 3),
              FeatureMatrix.of(new float[] {4, 5, 6}, 3));
      assertThatThrownBy(() -> ClassifierTrainer.train(model, three, TRAINING))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("events have 3 features, the classifier takes 2");
      assertThatThrownBy(() -> model.logLikelihoodRatio(three, 10))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("events have 3 features");
    }
  }
}
