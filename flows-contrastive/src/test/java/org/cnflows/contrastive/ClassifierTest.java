package org.cnflows.contrastive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.cnflows.flows.Activation;
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

  private static final ClassifierTrainer.Config TRAINING =
      new ClassifierTrainer.Config(800, 256, 3e-3, 5);

  private static Classifier t1Classifier(int heads, float[]... data) {
    return Classifier.create(
        new Classifier.Architecture(2, 32, 3, heads, Activation.RELU),
        Standardization.fit(2, data),
        9,
        Device.cpu());
  }

  /** Accuracy and agreement with the Bayes decision p_s > p_b (swapped in category 1). */
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
    float[] s = ToyEvents.flat(ToyT1.SIGNAL, 4000, 41);
    float[] b = ToyEvents.flat(ToyT1.BACKGROUND, 4000, 42);
    LabeledEvents test =
        LabeledEvents.of(
            ToyEvents.flat(ToyT1.SIGNAL, 20000, 43),
            ToyEvents.flat(ToyT1.BACKGROUND, 20000, 44),
            2);
    try (Classifier model = t1Classifier(1, s, b)) {
      double[] losses = ClassifierTrainer.train(model, LabeledEvents.of(s, b, 2), TRAINING);
      assertThat(losses[losses.length - 1]).isLessThan(losses[0]);
      double[] logLr = model.logLikelihoodRatio(test.x(), null, 4096);
      double[] a = accuracy(logLr, test.x(), test.labels(), null);
      System.out.printf(
          "T1 DNN: accuracy %.4f, Bayes on the same events %.4f (reference 0.823),"
              + " agreement with p_s > p_b %.4f%n",
          a[0], a[1], a[2]);
      assertThat(a[1]).isCloseTo(0.823, within(0.006));
      assertThat(a[0]).isGreaterThan(a[1] - 0.01);
      assertThat(a[2]).isGreaterThan(0.97);
      double[] scores = model.scores(test.x(), null, 1000);
      assertThat(scores[0]).isCloseTo(PhiFeatures.phi(logLr[0]), within(1e-12));
    }
  }

  /**
   * Category 1 swaps the classes: one shared head could not beat 1/2, one head per category can.
   */
  @Test
  void multiHeadClassifierLearnsOppositeProblemsPerCategory() {
    float[] s = ToyEvents.flat(ToyT1.SIGNAL, 4000, 51);
    float[] b = ToyEvents.flat(ToyT1.BACKGROUND, 4000, 52);
    LabeledEvents train = LabeledEvents.of(s, b, 2);
    int[] categories = new int[train.size()];
    int[] labels = train.labels().clone();
    for (int i = 0; i < categories.length; i += 2) {
      categories[i] = 1;
      labels[i] = 1 - labels[i];
    }
    LabeledEvents mixed = new LabeledEvents(train.x(), 2, labels, null, categories);
    LabeledEvents test =
        LabeledEvents.of(
            ToyEvents.flat(ToyT1.SIGNAL, 10000, 53),
            ToyEvents.flat(ToyT1.BACKGROUND, 10000, 54),
            2);
    int[] testCategories = new int[test.size()];
    int[] testLabels = test.labels().clone();
    for (int i = 0; i < testCategories.length; i += 2) {
      testCategories[i] = 1;
      testLabels[i] = 1 - testLabels[i];
    }
    try (Classifier model = t1Classifier(2, s, b)) {
      ClassifierTrainer.train(model, mixed, TRAINING);
      double[] logLr = model.logLikelihoodRatio(test.x(), testCategories, 4096);
      double[] a = accuracy(logLr, test.x(), testLabels, testCategories);
      System.out.printf(
          "T1 two heads (classes swapped in head 1): accuracy %.4f, Bayes %.4f%n", a[0], a[1]);
      assertThat(a[0]).isGreaterThan(a[1] - 0.015);
      assertThat(a[2]).isGreaterThan(0.95);
      assertThatThrownBy(() -> model.logLikelihoodRatio(test.x(), null, 100))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("2 heads");
    }
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
          new ClassifierTrainer.ParameterizedEvents(x, z, 2, 1, reference),
          new ClassifierTrainer.Config(1000, 256, 3e-3, 7));
      double[] learned = model.logLikelihoodRatio(test, null, 1024);
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
    float[] s = ToyEvents.flat(ToyT1.SIGNAL, 500, 71);
    float[] b = ToyEvents.flat(ToyT1.BACKGROUND, 500, 72);
    double[] before;
    try (Classifier model = t1Classifier(1, s, b)) {
      ClassifierTrainer.train(
          model, LabeledEvents.of(s, b, 2), new ClassifierTrainer.Config(50, 64, 1e-2, 1));
      before = model.logLikelihoodRatio(s, null, 128);
      model.save(dir);
    }
    try (Classifier loaded = Classifier.load(dir, Device.cpu())) {
      assertThat(loaded.logLikelihoodRatio(s, null, 128)).containsExactly(before);
      assertThat(loaded.architecture().hidden()).isEqualTo(32);
      assertThat(Classifier.provenance(dir).seed()).isEqualTo(9);
    }
  }

  @Test
  void badInputsAreRejectedWithTheirValues() {
    float[] s = ToyEvents.flat(ToyT1.SIGNAL, 10, 81);
    assertThatThrownBy(() -> new LabeledEvents(s, 2, new int[10], null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("all 10 events have label 0")
        .hasMessageContaining("both classes");
    try (Classifier model = t1Classifier(1, s)) {
      LabeledEvents three = LabeledEvents.of(new float[] {1, 2, 3}, new float[] {4, 5, 6}, 3);
      assertThatThrownBy(() -> ClassifierTrainer.train(model, three, TRAINING))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("events have 3 features, the classifier takes 2");
      assertThatThrownBy(() -> model.logLikelihoodRatio(new float[5], null, 10))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("5 values");
    }
    assertThatThrownBy(() -> new ClassifierTrainer.Config(10, 8, Double.NaN, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("learningRate = NaN");
  }
}
