package org.cnflows.higgsml.analysis;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.Standardization;
import org.cnflows.contrastive.Classifier;
import org.cnflows.contrastive.ClassifierTrainer;
import org.cnflows.contrastive.CnfSet;
import org.cnflows.contrastive.ContrastiveLoss;
import org.cnflows.contrastive.PhiFeatures;
import org.cnflows.flows.Activation;
import org.cnflows.flows.LearningRateSchedule;
import org.cnflows.flows.TrainingConfig;
import org.cnflows.flows.TrainingListener;
import org.cnflows.higgsml.Columns;
import org.cnflows.higgsml.JetCategory;

/**
 * Step 3 of the CNF paper's HiggsML analysis (Elsharkawy and Kahn 2025, Sec. 6.2): one DNN with a
 * head per jet category, trained with weighted binary cross-entropy on the augmented sets of {@link
 * TrainingSets#augmented}, on the kinematic features plus the CNFs' discrimination functions.
 *
 * <p>Inputs ({@link #inputs}): the 28 features in {@link Columns#FEATURES} order, those a category
 * does not define set to 0 (the preprocessed mean), so both heads share one trunk; then, per CNF of
 * the category's set, log p instead of the paper's Phi = p / (1 + p). For 28-dimensional events log
 * p is about -25 to -100 (measured on the synthetic data), so Phi = sigmoid(log p) is 1e-11 to
 * 1e-44: below float32's resolution of 1 and at or under its smallest normal number, i.e. the same
 * information squeezed to nothing. log p keeps it; it is floored at the contrastive clamp k / c
 * ({@link ContrastiveLoss#DEFAULT_CLAMP} / c), below which the CNF received no gradient and its
 * value carries no information. The DNN standardizes every input with its own fitted map.
 */
public final class ClassifierStage {

  private ClassifierStage() {}

  /**
   * What {@link #inputs} appends to the features, named in the classifier's cache key: a cached DNN
   * trained on other columns must not be reused. Change it with the columns.
   */
  static final String COLUMNS = "28 features, then log p of each CNF floored at k / c";

  /**
   * The settings of the stage.
   *
   * @param hidden width of the hidden layers
   * @param depth number of hidden layers
   * @param steps Adam steps
   * @param batchSize rows per step
   * @param learningRate Adam's base step size (cosine-annealed)
   * @param seed initialization and batch-order seed
   */
  public record Config(
      int hidden, int depth, int steps, int batchSize, double learningRate, long seed) {

    /** Validates the sizes. */
    public Config {
      StageSettings.requirePositive(
          "classifier stage",
          new String[] {"hidden", "depth", "steps", "batchSize"},
          hidden,
          depth,
          steps,
          batchSize);
      StageSettings.requireRate("classifier stage", learningRate);
    }
  }

  /**
   * The DNN inputs of one category's preprocessed rows: the 28 features (undefined ones 0), then
   * the floored log p of every CNF of {@code cnfs} (none if null), named "logp_" + member; weights
   * and labels kept, every row's category set to the category's head ({@link TrainingSets#head}).
   *
   * @throws IllegalArgumentException if the rows are not the category's features
   */
  public static FeatureMatrix inputs(
      FeatureMatrix rows, JetCategory category, CnfSet cnfs, int batchSize) {
    if (!rows.names().equals(category.features())) {
      throw new IllegalArgumentException(
          "rows have columns " + rows.names() + ", not the features of " + category);
    }
    int n = rows.size();
    int d = rows.dim();
    int all = Columns.FEATURES.size();
    int[] position = new int[d];
    for (int k = 0; k < d; k++) {
      position[k] = Columns.FEATURES.indexOf(rows.names().get(k));
    }
    float[] padded = new float[n * all];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < d; k++) {
        padded[i * all + position[k]] = rows.x()[i * d + k];
      }
    }
    int[] heads = new int[n];
    Arrays.fill(heads, TrainingSets.head(category));
    FeatureMatrix out =
        FeatureMatrix.of(padded, Columns.FEATURES)
            .withWeights(rows.weights())
            .withLabels(rows.labels())
            .withCategories(heads);
    if (cnfs == null) {
      return out;
    }
    double[][] logp = new PhiFeatures(cnfs, batchSize).logDensities(rows);
    int m = logp.length;
    float[] columns = new float[n * m];
    List<String> names = new ArrayList<>();
    for (int j = 0; j < m; j++) {
      CnfSet.Member member = cnfs.members().get(j);
      names.add("logp_" + member.name());
      double floor = ContrastiveLoss.DEFAULT_CLAMP / member.c();
      for (int i = 0; i < n; i++) {
        columns[i * m + j] = (float) Math.max(logp[j][i], floor);
      }
    }
    return out.withColumns(names, columns);
  }

  /**
   * Trains the two-headed DNN.
   *
   * @param augmented per category, the augmented rows ({@link TrainingSets#augmented})
   * @param cnfs per category, its CNF set ({@link CnfStage#train}), or null for the ablation
   *     without CNF features
   * @param config the settings
   * @param device where the network lives
   * @param listener training progress
   * @return the trained classifier (the caller closes it)
   * @throws IllegalStateException if training diverged (naming the step)
   */
  public static Classifier train(
      Map<JetCategory, FeatureMatrix> augmented,
      Map<JetCategory, CnfSet> cnfs,
      Config config,
      Device device,
      TrainingListener listener) {
    List<FeatureMatrix> parts = new ArrayList<>();
    for (JetCategory cat : TrainingSets.ANALYSIS_CATEGORIES) {
      FeatureMatrix rows = augmented.get(cat);
      if (rows == null) {
        throw new IllegalArgumentException("no augmented rows for jet category " + cat);
      }
      parts.add(inputs(rows, cat, cnfs == null ? null : cnfs.get(cat), 8192));
    }
    return train(FeatureMatrix.concat(parts), config, device, listener);
  }

  /**
   * Trains the two-headed DNN on prepared inputs (labels, weights and heads set): the path of
   * {@link #train(Map, Map, Config, Device, TrainingListener)}, and of {@link MleNu}, whose inputs
   * carry nuisance blocks instead of CNF columns.
   *
   * @throws IllegalStateException if training diverged (naming the step)
   */
  static Classifier train(
      FeatureMatrix training, Config config, Device device, TrainingListener listener) {
    Classifier model =
        Classifier.create(
            new Classifier.Architecture(
                training.dim(),
                config.hidden(),
                config.depth(),
                TrainingSets.ANALYSIS_CATEGORIES.size(),
                Activation.RELU),
            Standardization.fit(training),
            config.seed(),
            device);
    try {
      ClassifierTrainer.train(
              model,
              training,
              TrainingConfig.builder()
                  .optSteps(config.steps())
                  .optBatchSize(config.batchSize())
                  .optLearningRate(config.learningRate())
                  .optSchedule(LearningRateSchedule.COSINE)
                  .optValidationFraction(0.1)
                  .optKeepBest(false)
                  .optEvaluateEvery(Math.max(1, config.steps() / 10))
                  .optSeed(config.seed() + 1)
                  .optListener(listener)
                  .build())
          .requireSuccess();
      return model;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }
}
