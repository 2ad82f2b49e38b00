package org.cnflows.contrastive;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.ModelDirectory;
import org.cnflows.common.Standardization;
import org.cnflows.flows.Activation;
import org.cnflows.flows.BatchEvaluator;
import org.cnflows.flows.EngineInfo;
import org.cnflows.flows.EventFunction;
import org.cnflows.flows.Mlp;
import org.cnflows.flows.Trainable;
import org.cnflows.flows.TrainingRecord;

/**
 * A multilayer-perceptron classifier with one logit head per event category: a shared trunk of
 * {@code depth} hidden layers and a linear output of {@code heads} logits, of which each event
 * reads the one of its category (one head: a plain binary classifier; one head per jet
 * multiplicity: the multi-head classifier of Elsharkawy and Kahn 2025, Sec. 6.2). Trained with
 * binary cross-entropy ({@link ClassifierTrainer}) its output f = sigmoid(logit) estimates P(signal
 * | x), so the logit log(f / (1 - f)) estimates the log-likelihood ratio log p_s(x) / p_b(x) on
 * equal class priors (the likelihood-ratio trick; Sluijter thesis, Sec. 2.3.3). With the nuisance
 * among the inputs and the parameterized batches of {@link ClassifierTrainer#trainParameterized},
 * the logit estimates log p(x | z) / p(x | z0) (thesis, Sec. 3.2.1).
 *
 * <p>Inputs are standardized by the classifier's {@link Standardization} on the device before the
 * network, in training and evaluation alike. Owns its parameters in its own manager; close it to
 * free them. Evaluation is thread-safe; training is not.
 */
public final class Classifier implements Trainable, AutoCloseable {

  /** The model type of a saved classifier ({@link ModelDirectory}). */
  public static final String TYPE = "classifier";

  /** The parameter file of a saved classifier. */
  public static final String PARAMETERS = "classifier.params";

  /**
   * The network's shape.
   *
   * @param inputs number of input features (kinematics, Phi columns, nuisances)
   * @param hidden width of the hidden layers
   * @param depth number of hidden layers
   * @param heads number of event categories, one logit each
   * @param activation hidden activation
   */
  public record Architecture(int inputs, int hidden, int depth, int heads, Activation activation) {

    /** Validates the sizes. */
    public Architecture {
      if (inputs < 1 || hidden < 1 || depth < 1 || heads < 1 || activation == null) {
        throw new IllegalArgumentException(
            "classifier inputs = "
                + inputs
                + ", hidden = "
                + hidden
                + ", depth = "
                + depth
                + ", heads = "
                + heads
                + ", activation = "
                + activation
                + ": sizes must be >= 1 and the activation set");
      }
    }
  }

  /** The configuration of a saved classifier. */
  record Config(Architecture architecture, Standardization standardization) {}

  private final Architecture architecture;
  private final Standardization standardization;
  private final long seed;
  private final Mlp network;
  private final NDManager manager;
  private volatile TrainingRecord training;

  private Classifier(
      Architecture architecture, Standardization standardization, long seed, Device device) {
    if (standardization.dim() != architecture.inputs()) {
      throw new IllegalArgumentException(
          "standardization has "
              + standardization.dim()
              + " features, the classifier "
              + architecture.inputs());
    }
    this.architecture = architecture;
    this.standardization = standardization;
    this.seed = seed;
    this.network =
        new Mlp(
            architecture.inputs(),
            architecture.hidden(),
            architecture.depth(),
            architecture.heads(),
            architecture.activation(),
            seed);
    this.manager = NDManager.newBaseManager(device);
    network.initialize(manager, DataType.FLOAT32, new Shape(1, architecture.inputs()));
  }

  /**
   * A new classifier with seeded initialization (the output layer starts at zero: f = 1/2).
   *
   * @param architecture the network's shape
   * @param standardization the map applied to inputs, of {@code architecture.inputs()} features
   * @param seed the initialization seed
   * @param device where the parameters live
   */
  public static Classifier create(
      Architecture architecture, Standardization standardization, long seed, Device device) {
    return new Classifier(architecture, standardization, seed, device);
  }

  /** The network's shape. */
  public Architecture architecture() {
    return architecture;
  }

  /** The map applied to inputs. */
  public Standardization standardization() {
    return standardization;
  }

  /** The initialization seed. */
  public long seed() {
    return seed;
  }

  /** The device of the parameters. */
  public Device device() {
    return manager.getDevice();
  }

  /** The manager that owns the parameters. */
  @Override
  public NDManager manager() {
    return manager;
  }

  @Override
  public void trained(TrainingRecord record) {
    this.training = record;
  }

  @Override
  public TrainingRecord training() {
    return training;
  }

  /** The network's parameters, all trainable. */
  @Override
  public List<Parameter> trainableParameters() {
    List<Parameter> list = new ArrayList<>();
    for (Pair<String, Parameter> p : network.getParameters()) {
      list.add(p.getValue());
    }
    return list;
  }

  /**
   * The logits of standardized inputs on the device.
   *
   * @param u inputs, shape (N, inputs)
   * @param heads one-hot categories, shape (N, heads), or null with a single head
   * @return shape (N)
   */
  NDArray logits(NDArray u, NDArray heads) {
    NDArray all = network.apply(u);
    return heads == null ? all.reshape(all.getShape().get(0)) : all.mul(heads).sum(new int[] {1});
  }

  /**
   * The per-event logit on the device, for {@link BatchEvaluator}: the batch's features are
   * standardized on the device and each row is read by the head of its category.
   */
  public EventFunction logit() {
    EventFunction raw =
        b ->
            logits(
                b.x(),
                architecture.heads() == 1
                    ? null
                    : b.categories().oneHot(architecture.heads()).toType(DataType.FLOAT32, false));
    return raw.standardized(standardization);
  }

  /**
   * The per-event logit log(f / (1 - f)), the estimated log-likelihood ratio.
   *
   * @param events rows of {@code inputs} features, with categories for a multi-head classifier
   * @param batchSize events per native evaluation
   * @throws IllegalArgumentException if the width or the categories do not fit
   */
  public double[] logLikelihoodRatio(FeatureMatrix events, int batchSize) {
    if (events.dim() != architecture.inputs()) {
      throw new IllegalArgumentException(
          "events have "
              + events.dim()
              + " features, the classifier takes "
              + architecture.inputs());
    }
    checkCategories(events.categories(), events.size());
    return new BatchEvaluator(device(), batchSize)
        .evaluateToDouble(events.withoutContext(), List.of(logit()))[0];
  }

  /** The per-event score f = sigmoid(logit), the estimated P(signal | x) on equal priors. */
  public double[] scores(FeatureMatrix events, int batchSize) {
    double[] s = logLikelihoodRatio(events, batchSize);
    for (int i = 0; i < s.length; i++) {
      s[i] = PhiFeatures.phi(s[i]);
    }
    return s;
  }

  /**
   * Throws unless every one of the n events has a category in [0, heads) (categories may be null
   * with a single head).
   */
  void checkCategories(int[] categories, int n) {
    int k = architecture.heads();
    if (categories == null) {
      if (k == 1) {
        return;
      }
      throw new IllegalArgumentException("the classifier has " + k + " heads: categories needed");
    }
    if (categories.length != n) {
      throw new IllegalArgumentException(
          "categories has " + categories.length + " values for " + n + " events");
    }
    for (int i = 0; i < n; i++) {
      if (categories[i] < 0 || categories[i] >= k) {
        throw new IllegalArgumentException(
            "category[" + i + "] = " + categories[i] + " outside [0, " + k + ")");
      }
    }
  }

  /**
   * Writes the classifier into {@code directory} in the one saved-model format: the manifest
   * (architecture, standardization, seed, training record and data fingerprints, provenance) and
   * {@value #PARAMETERS} (DJL's parameter format).
   *
   * @throws IOException if a file cannot be written
   */
  @Override
  public void save(Path directory) throws IOException {
    Files.createDirectories(directory);
    try (DataOutputStream out =
        new DataOutputStream(
            new BufferedOutputStream(Files.newOutputStream(directory.resolve(PARAMETERS))))) {
      network.saveParameters(out);
    }
    TrainingRecord t = training;
    ModelDirectory.write(
        directory,
        TYPE,
        new Config(architecture, standardization),
        new ModelDirectory.Record(
            seed, t, t == null ? List.of() : t.data(), EngineInfo.current().describe()));
  }

  /**
   * Loads a classifier saved by {@link #save} onto a device.
   *
   * @throws IOException if a file is missing or unreadable
   * @throws IllegalArgumentException if the files are corrupt or do not match each other
   */
  public static Classifier load(Path directory, Device device) throws IOException {
    ModelDirectory.Loaded<Config> loaded = ModelDirectory.read(directory, TYPE, Config.class);
    Config config = loaded.config();
    if (config.architecture() == null || config.standardization() == null) {
      throw new IllegalArgumentException(
          directory.resolve(ModelDirectory.MANIFEST)
              + " lacks the architecture or standardization");
    }
    Classifier classifier =
        new Classifier(
            config.architecture(), config.standardization(), loaded.manifest().seed(), device);
    try (DataInputStream in =
        new DataInputStream(
            new BufferedInputStream(Files.newInputStream(directory.resolve(PARAMETERS))))) {
      classifier.network.loadParameters(classifier.manager, in);
    } catch (MalformedModelException | RuntimeException e) {
      classifier.close();
      throw new IllegalArgumentException(
          directory.resolve(PARAMETERS)
              + " does not match "
              + ModelDirectory.MANIFEST
              + ": "
              + e.getMessage(),
          e);
    }
    classifier.trained(TrainingRecord.fromJson(loaded.manifest().training()));
    return classifier;
  }

  @Override
  public void close() {
    manager.close();
  }
}
