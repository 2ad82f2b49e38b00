package org.cnflows.contrastive;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.cnflows.flows.Activation;
import org.cnflows.flows.Batch;
import org.cnflows.flows.LearningRateSchedule;
import org.cnflows.flows.internal.Adam;

/**
 * Trains a {@link Classifier} with the weighted binary cross-entropy
 *
 * <pre>
 *   L = sum_i w_i [softplus(z_i) - y_i z_i] / sum_i w_i,   z_i = logit(f(x_i)),
 * </pre>
 *
 * (= -w [y log f + (1 - y) log(1 - f)], written in logits for stability) by Adam on random
 * mini-batches, each step in its own {@link NDScope}. Two ways to build the batches:
 *
 * <ul>
 *   <li>{@link #train}: rows drawn uniformly from labelled events (the DNNs of Elsharkawy and Kahn
 *       2025, Sec. 5 and 6.2);
 *   <li>{@link #trainParameterized}: the parameterized classifier of the Sluijter thesis (Sec.
 *       2.3.3, 3.2.1): a positive batch (x_i, z_i) from events simulated at varied nuisance z, and
 *       a negative batch (x_j, z_i) of events simulated at the reference z0 whose z is replaced by
 *       the positive batch's values, so that the optimal logit is log p(x | z) / p(x | z0).
 * </ul>
 *
 * <p>Not thread-safe: one training per classifier at a time.
 */
public final class ClassifierTrainer {

  private ClassifierTrainer() {}

  /**
   * The training settings.
   *
   * @param steps number of Adam steps
   * @param batchSize rows per step (per class for the parameterized construction)
   * @param learningRate Adam's base step size
   * @param seed seed of the batch sampling
   * @param schedule how the step size evolves over the steps
   */
  public record Config(
      int steps, int batchSize, double learningRate, long seed, LearningRateSchedule schedule) {

    /** Settings with a constant step size. */
    public Config(int steps, int batchSize, double learningRate, long seed) {
      this(steps, batchSize, learningRate, seed, LearningRateSchedule.CONSTANT);
    }

    /** Validates the settings. */
    public Config {
      if (schedule == null) {
        throw new IllegalArgumentException("learning-rate schedule is null");
      }
      if (steps < 1 || batchSize < 1 || !(learningRate > 0) || Double.isInfinite(learningRate)) {
        throw new IllegalArgumentException(
            "steps = "
                + steps
                + ", batchSize = "
                + batchSize
                + ", learningRate = "
                + learningRate
                + ": steps and batchSize must be >= 1, learningRate finite and > 0");
      }
    }
  }

  /** The events of {@link #trainParameterized}. */
  public record ParameterizedEvents(float[] x, float[] z, int dimX, int dimZ, float[] reference) {

    /** Validates widths. */
    public ParameterizedEvents {
      Events.checkSameRows(x, dimX, z, dimZ);
      Events.checkWidth(reference, dimX);
    }
  }

  /**
   * Trains on labelled events drawn uniformly at random.
   *
   * @return the mean training loss of each window of 100 steps (the last window may be shorter)
   * @throws IllegalArgumentException if the events do not fit the classifier
   */
  public static double[] train(Classifier model, LabeledEvents events, Config config) {
    Classifier.Architecture a = model.architecture();
    if (events.dim() != a.inputs()) {
      throw new IllegalArgumentException(
          "events have " + events.dim() + " features, the classifier takes " + a.inputs());
    }
    float[] oneHot = model.oneHot(events.categories(), events.size());
    float[] labels = new float[events.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = events.labels()[i];
    }
    try (NDManager m = NDManager.newBaseManager(model.device())) {
      int n = events.size();
      NDArray x = m.create(model.standardization().apply(events.x()), new Shape(n, a.inputs()));
      NDArray y = m.create(labels);
      NDArray w = events.weights() == null ? null : m.create(events.weights());
      NDArray h = oneHot == null ? null : m.create(oneHot, new Shape(n, a.heads()));
      SplittableRandom random = new SplittableRandom(config.seed());
      return run(
          model,
          config,
          m,
          () -> {
            NDArray rows = m.create(draw(random, n, config.batchSize()));
            NDIndex index = new NDIndex("{}", rows);
            return new Step(
                x.get(index),
                y.get(index),
                w == null ? null : w.get(index),
                h == null ? null : h.get(index));
          });
    }
  }

  /**
   * Trains the parameterized classifier of the thesis (Sec. 3.2.1) with a single head: inputs are
   * (x, z), positives (x_i, z_i) drawn from the varied-z events, negatives (x_j, z_i) with x_j
   * drawn from the reference events and z_i taken from the positive batch.
   *
   * @return the mean training loss of each window of 100 steps
   */
  public static double[] trainParameterized(
      Classifier model, ParameterizedEvents events, Config config) {
    Classifier.Architecture a = model.architecture();
    int dimX = events.dimX();
    int dimZ = events.dimZ();
    if (dimX + dimZ != a.inputs() || a.heads() != 1) {
      throw new IllegalArgumentException(
          "the parameterized classifier needs one head and dimX + dimZ = "
              + (dimX + dimZ)
              + " inputs; it has "
              + a.heads()
              + " heads and "
              + a.inputs()
              + " inputs");
    }
    int n = events.x().length / dimX;
    int nRef = events.reference().length / dimX;
    float[] varied = Classifier.inputs(events.x(), dimX, events.z(), dimZ);
    float[] both = Arrays.copyOf(varied, (n + nRef) * a.inputs());
    float[] references = Classifier.inputs(events.reference(), dimX, new float[nRef * dimZ], dimZ);
    System.arraycopy(references, 0, both, varied.length, references.length);
    float[] u = model.standardization().apply(both);
    try (NDManager m = NDManager.newBaseManager(model.device())) {
      NDArray all = m.create(u, new Shape(n + nRef, a.inputs()));
      NDArray positives = all.get("0:" + n);
      NDArray referenceX = all.get(n + ":, 0:" + dimX);
      int b = config.batchSize();
      float[] labels = new float[2 * b];
      Arrays.fill(labels, 0, b, 1);
      NDArray y = m.create(labels);
      SplittableRandom random = new SplittableRandom(config.seed());
      return run(
          model,
          config,
          m,
          () -> {
            NDArray pos = positives.get(new NDIndex("{}", m.create(draw(random, n, b))));
            NDArray neg =
                referenceX
                    .get(new NDIndex("{}", m.create(draw(random, nRef, b))))
                    .concat(pos.get(":, " + dimX + ":"), 1);
            return new Step(pos.concat(neg, 0), y, null, null);
          });
    }
  }

  /** The tensors of one step. */
  private record Step(NDArray x, NDArray y, NDArray w, NDArray heads) {}

  private static long[] draw(SplittableRandom random, int n, int count) {
    long[] rows = new long[count];
    for (int i = 0; i < count; i++) {
      rows[i] = random.nextInt(n);
    }
    return rows;
  }

  private static double[] run(
      Classifier model,
      Config config,
      NDManager manager,
      java.util.function.Supplier<Step> batches) {
    List<Parameter> parameters = model.parameters();
    List<NDArray> weights = new ArrayList<>();
    parameters.forEach(p -> weights.add(p.getArray()));
    int windows = (config.steps() + 99) / 100;
    NDArray losses = manager.zeros(new Shape(config.steps()));
    try (Adam adam = new Adam(weights, config.learningRate(), 0.9, 0.999, 1e-8)) {
      for (int step = 0; step < config.steps(); step++) {
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          Step s = batches.get();
          NDArray loss;
          try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray z = model.logits(s.x(), s.heads());
            NDArray softplus = Activation.RELU.apply(z).add(z.abs().neg().exp().add(1).log());
            loss = new Batch(s.x(), null, s.w()).weightedMean(softplus.sub(s.y().mul(z)));
            collector.backward(loss);
          }
          losses.set(new NDIndex(step), loss.stopGradient());
          List<NDArray> gradients = new ArrayList<>();
          for (Parameter p : parameters) {
            gradients.add(p.getArray().getGradient());
          }
          adam.step(gradients, config.schedule().rate(config.learningRate(), step, config.steps()));
          for (NDArray g : gradients) {
            g.subi(g);
          }
        }
      }
    }
    float[] all = losses.toFloatArray();
    double[] means = new double[windows];
    for (int k = 0; k < windows; k++) {
      int end = Math.min(all.length, (k + 1) * 100);
      double sum = 0;
      for (int i = k * 100; i < end; i++) {
        sum += all[i];
      }
      means[k] = sum / (end - k * 100);
      if (!Double.isFinite(means[k])) {
        throw new IllegalStateException(
            "classifier loss is " + means[k] + " in steps " + (k * 100 + 1) + " to " + end);
      }
    }
    return means;
  }
}
