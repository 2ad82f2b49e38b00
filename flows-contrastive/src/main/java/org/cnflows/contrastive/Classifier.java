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
import org.cnflows.contrastive.internal.JsonFiles;
import org.cnflows.flows.Activation;
import org.cnflows.flows.Mlp;
import org.cnflows.flows.Provenance;

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
 * <p>Inputs are standardized on the host by the classifier's {@link Standardization} before the
 * network. Owns its parameters in its own manager; close it to free them. Evaluation is
 * thread-safe; training is not.
 */
public final class Classifier implements AutoCloseable {

  /** The configuration file of a saved classifier. */
  public static final String CONFIG = "classifier.json";

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

  /** What {@value #CONFIG} holds. */
  record Config(
      Architecture architecture,
      Standardization standardization,
      long seed,
      Provenance provenance) {}

  private final Architecture architecture;
  private final Standardization standardization;
  private final long seed;
  private final Mlp network;
  private final NDManager manager;

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

  /**
   * The inputs of a parameterized classifier: rows (x_i, z_i) of dimX + dimZ values from row-major
   * events x and their nuisance values z.
   *
   * @throws IllegalArgumentException if x and z do not have the same number of rows
   */
  public static float[] inputs(float[] x, int dimX, float[] z, int dimZ) {
    int n = Events.checkSameRows(x, dimX, z, dimZ);
    int width = dimX + dimZ;
    float[] rows = new float[n * width];
    for (int i = 0; i < n; i++) {
      System.arraycopy(x, i * dimX, rows, i * width, dimX);
      System.arraycopy(z, i * dimZ, rows, i * width + dimX, dimZ);
    }
    return rows;
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

  /** The trainable parameters. */
  List<Parameter> parameters() {
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
   * The per-event logit log(f / (1 - f)), the estimated log-likelihood ratio.
   *
   * @param x row-major events of {@code inputs} features
   * @param categories each event's category in [0, heads), or null with a single head
   * @param batchSize events per native evaluation
   */
  public double[] logLikelihoodRatio(float[] x, int[] categories, int batchSize) {
    int n = Events.checkWidth(x, architecture.inputs());
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize = " + batchSize + " must be at least 1");
    }
    float[] oneHot = oneHot(categories, n);
    float[] u = standardization.apply(x);
    int dim = architecture.inputs();
    int k = architecture.heads();
    double[] out = new double[n];
    for (int start = 0; start < n; start += batchSize) {
      int rows = Math.min(batchSize, n - start);
      float[] chunk = new float[rows * dim];
      System.arraycopy(u, start * dim, chunk, 0, chunk.length);
      try (NDManager m = manager.newSubManager()) {
        NDArray heads = null;
        if (oneHot != null) {
          float[] h = new float[rows * k];
          System.arraycopy(oneHot, start * k, h, 0, h.length);
          heads = m.create(h, new Shape(rows, k));
        }
        float[] logits = logits(m.create(chunk, new Shape(rows, dim)), heads).toFloatArray();
        for (int i = 0; i < rows; i++) {
          out[start + i] = logits[i];
        }
      }
    }
    return out;
  }

  /** The per-event score f = sigmoid(logit), the estimated P(signal | x) on equal priors. */
  public double[] scores(float[] x, int[] categories, int batchSize) {
    double[] s = logLikelihoodRatio(x, categories, batchSize);
    for (int i = 0; i < s.length; i++) {
      s[i] = PhiFeatures.phi(s[i]);
    }
    return s;
  }

  /**
   * Row-major one-hot rows of the categories, or null for a single head without categories.
   *
   * @throws IllegalArgumentException if the categories are missing, of the wrong length or out of
   *     range
   */
  float[] oneHot(int[] categories, int n) {
    int k = architecture.heads();
    if (categories == null) {
      if (k == 1) {
        return null;
      }
      throw new IllegalArgumentException("the classifier has " + k + " heads: categories needed");
    }
    if (categories.length != n) {
      throw new IllegalArgumentException(
          "categories has " + categories.length + " values for " + n + " events");
    }
    float[] h = new float[n * k];
    for (int i = 0; i < n; i++) {
      if (categories[i] < 0 || categories[i] >= k) {
        throw new IllegalArgumentException(
            "category[" + i + "] = " + categories[i] + " outside [0, " + k + ")");
      }
      h[i * k + categories[i]] = 1;
    }
    return k == 1 ? null : h;
  }

  /**
   * Writes the classifier into {@code directory}: {@value #CONFIG} (architecture, standardization,
   * seed, provenance) and {@value #PARAMETERS} (DJL's parameter format).
   *
   * @throws IOException if a file cannot be written
   */
  public void save(Path directory) throws IOException {
    Files.createDirectories(directory);
    Config config = new Config(architecture, standardization, seed, Provenance.current(seed));
    JsonFiles.write(directory.resolve(CONFIG), config);
    try (DataOutputStream out =
        new DataOutputStream(
            new BufferedOutputStream(Files.newOutputStream(directory.resolve(PARAMETERS))))) {
      network.saveParameters(out);
    }
  }

  /** The provenance recorded in a saved classifier. */
  public static Provenance provenance(Path directory) throws IOException {
    return readConfig(directory).provenance();
  }

  /**
   * Loads a classifier saved by {@link #save} onto a device.
   *
   * @throws IOException if a file is missing or unreadable
   * @throws IllegalArgumentException if the files are corrupt or do not match each other
   */
  public static Classifier load(Path directory, Device device) throws IOException {
    Config config = readConfig(directory);
    Classifier classifier =
        new Classifier(config.architecture(), config.standardization(), config.seed(), device);
    try (DataInputStream in =
        new DataInputStream(
            new BufferedInputStream(Files.newInputStream(directory.resolve(PARAMETERS))))) {
      classifier.network.loadParameters(classifier.manager, in);
    } catch (MalformedModelException | RuntimeException e) {
      classifier.close();
      throw new IllegalArgumentException(
          directory.resolve(PARAMETERS) + " does not match " + CONFIG + ": " + e.getMessage(), e);
    }
    return classifier;
  }

  private static Config readConfig(Path directory) throws IOException {
    return JsonFiles.read(
        directory.resolve(CONFIG),
        Config.class,
        "classifier configuration",
        c -> c.architecture() != null && c.standardization() != null);
  }

  @Override
  public void close() {
    manager.close();
  }
}
