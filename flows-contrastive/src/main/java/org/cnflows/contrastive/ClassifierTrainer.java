package org.cnflows.contrastive;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.flows.Activation;
import org.cnflows.flows.Batch;
import org.cnflows.flows.Objective;
import org.cnflows.flows.Trainer;
import org.cnflows.flows.TrainingConfig;
import org.cnflows.flows.TrainingResult;

/**
 * Trains a {@link Classifier} with the weighted binary cross-entropy
 *
 * <pre>
 *   L = sum_i w_i [softplus(z_i) - y_i z_i] / sum_i w_i,   z_i = logit(f(x_i)),
 * </pre>
 *
 * (= -w [y log f + (1 - y) log(1 - f)], written in logits for stability) in the one training loop
 * of cnflows ({@link Trainer}: Adam, schedules, validation split, early stopping, checkpoints,
 * progress, divergence reported as a status). Two ways to build the batches:
 *
 * <ul>
 *   <li>{@link #train}: labelled rows (the DNNs of Elsharkawy and Kahn 2025, Sec. 5 and 6.2), with
 *       the weights and the categories (heads) of the rows;
 *   <li>{@link #trainParameterized}: the parameterized classifier of the Sluijter thesis (Sec.
 *       2.3.3, 3.2.1): a positive batch (x_i, z_i) from events simulated at varied nuisance z, and
 *       a negative batch (x_j, z_i) of events simulated at the reference z0 whose z is replaced by
 *       the positive batch's values, so that the optimal logit is log p(x | z) / p(x | z0).
 * </ul>
 *
 * <p>Inputs are standardized with the classifier's {@link Classifier#standardization()} on the
 * device, as in evaluation ({@link Classifier#logit()}), so the training record fingerprints the
 * caller's events. Not thread-safe: one training per classifier at a time.
 */
public final class ClassifierTrainer {

  private ClassifierTrainer() {}

  /**
   * Trains on labelled events (1 = signal, 0 = background), with their weights and, for a
   * multi-head classifier, their categories.
   *
   * @return how the run went (call {@link TrainingResult#requireSuccess()} to fail on divergence)
   * @throws IllegalArgumentException if the events do not fit the classifier, lack labels or one
   *     class, or a category lies outside the heads
   */
  public static TrainingResult train(
      Classifier model, FeatureMatrix events, TrainingConfig config) {
    Classifier.Architecture a = model.architecture();
    if (events.dim() != a.inputs()) {
      throw new IllegalArgumentException(
          "events have " + events.dim() + " features, the classifier takes " + a.inputs());
    }
    checkBinaryLabels(events);
    model.checkCategories(events.categories(), events.size());
    return Trainer.train(model, new CrossEntropy(), List.of(events), config);
  }

  /**
   * Trains the parameterized classifier of the thesis (Sec. 3.2.1) with a single head: inputs are
   * (x, z), positives (x_i, z_i) drawn from the varied-z events, negatives (x_j, z_i) with x_j
   * drawn from the reference events and z_i taken from the positive batch.
   *
   * @param varied events x with their nuisance values z as context
   * @param reference events x simulated at the reference z0 (no context)
   * @return how the run went
   */
  public static TrainingResult trainParameterized(
      Classifier model, FeatureMatrix varied, FeatureMatrix reference, TrainingConfig config) {
    Classifier.Architecture a = model.architecture();
    int dimX = varied.dim();
    int dimZ = varied.contextDim();
    if (dimZ == 0 || reference.dim() != dimX || reference.contextDim() != 0) {
      throw new IllegalArgumentException(
          "varied events need their nuisances as context and the reference events the same "
              + dimX
              + " features without context; got "
              + varied
              + " and "
              + reference);
    }
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
    return Trainer.train(
        model,
        new ParameterizedCrossEntropy(dimX),
        List.of(varied.contextAsColumns(), reference),
        config);
  }

  private static void checkBinaryLabels(FeatureMatrix events) {
    int[] y = events.labels();
    if (y == null) {
      throw new IllegalArgumentException("events have no labels (1 = signal, 0 = background)");
    }
    int signal = 0;
    for (int i = 0; i < y.length; i++) {
      if (y[i] > 1) {
        throw new IllegalArgumentException("labels[" + i + "] = " + y[i] + " is not 0 or 1");
      }
      signal += y[i];
    }
    if (signal == 0 || signal == y.length) {
      throw new IllegalArgumentException(
          "all "
              + y.length
              + " events have label "
              + y[0]
              + ": a classifier needs both classes (1 = signal, 0 = background)");
    }
  }

  /** The weighted cross-entropy of logits z against labels y. */
  private static NDArray crossEntropy(NDArray z, NDArray y, Batch weightsOf) {
    NDArray softplus = Activation.RELU.apply(z).add(z.abs().neg().exp().add(1).log());
    return weightsOf.weightedMean(softplus.sub(y.mul(z)));
  }

  /** Binary cross-entropy on labelled rows, each read by the head of its category. */
  private static final class CrossEntropy implements Objective<Classifier> {
    @Override
    public int sources() {
      return 1;
    }

    @Override
    public NDArray compute(Classifier model, List<Batch> batches) {
      Batch b = batches.get(0);
      return crossEntropy(model.logit().apply(b), b.labels(), b);
    }
  }

  /** The thesis's construction: positives (x_i, z_i), negatives (x_j of the reference, z_i). */
  private static final class ParameterizedCrossEntropy implements Objective<Classifier> {
    private final int dimX;

    ParameterizedCrossEntropy(int dimX) {
      this.dimX = dimX;
    }

    @Override
    public int sources() {
      return 2;
    }

    @Override
    public NDArray compute(Classifier model, List<Batch> batches) {
      NDArray pos = batches.get(0).x();
      NDArray ref = batches.get(1).x();
      long b = Math.min(pos.getShape().get(0), ref.getShape().get(0));
      pos = pos.get("0:" + b);
      NDArray neg = ref.get("0:" + b).concat(pos.get(":, " + dimX + ":"), 1);
      NDManager m = pos.getManager();
      NDArray y = m.ones(new Shape(b)).concat(m.zeros(new Shape(b)));
      NDArray logits = model.logit().apply(new Batch(pos.concat(neg, 0), null, null));
      return crossEntropy(logits, y, new Batch(pos, null, null));
    }
  }
}
