package org.cnflows.flows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.cnflows.common.DataFingerprint;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.Seeds;
import org.cnflows.flows.internal.Adam;

/**
 * The one training loop of cnflows: stochastic gradient descent with Adam on a pluggable {@link
 * Objective}, for any {@link Trainable} model (flows, classifiers).
 *
 * <p>Each step draws one batch from each data source (epochs of a seeded shuffle; features,
 * context, weights, labels and categories travel together), computes the loss, back-propagates,
 * clips the global gradient norm if asked and updates the parameters. Every step runs in its own
 * {@link NDScope}, so native memory does not grow with the number of steps. Losses stay on the
 * device and are read back once per evaluation: a NaN or infinite loss ends the run with {@link
 * TrainingResult.Status#DIVERGED} naming the first such step. At each evaluation the validation
 * loss is computed (without gradients); the best evaluation's parameters are saved to the
 * checkpoint directory if one is set and, with {@link TrainingConfig#keepBest()} (the default),
 * snapshotted on the host and restored at the end; without it the model ends with the parameters of
 * the last step, or with {@link TrainingConfig#averageLast()} the mean of the last steps'
 * parameters (kept on the device as a running mean). Before the first step the model may {@link
 * Trainable#prepare prepare} itself from up to {@value #PREPARE_ROWS} shuffled rows of the first
 * source (a flow data-initializes its {@link ActNorm} layers).
 *
 * <p>Use {@link #train} for a whole run, or {@link #start} and {@link #step} to drive it a step at
 * a time (benchmarks time one step alone). Not thread-safe: one run per model at a time.
 *
 * @param <M> the model type
 */
public final class Trainer<M extends Trainable> implements AutoCloseable {

  /** Rows of the first source handed to {@link Trainable#prepare}. */
  static final int PREPARE_ROWS = 4096;

  private final M model;
  private final Objective<M> loss;
  private final TrainingConfig config;
  private final NDManager manager;
  private final List<Source> train = new ArrayList<>();
  private final List<Source> validation = new ArrayList<>();
  private final List<Parameter> parameters;
  private final SplittableRandom random;
  private final Adam adam;
  private final NDArray losses;
  private final List<TrainingListener.Evaluation> history = new ArrayList<>();
  private final long start = System.nanoTime();
  private final int rowsPerStep;
  private float[][] best;
  private List<NDArray> average;
  private double bestLoss = Double.POSITIVE_INFINITY;
  private int bestStep;
  private int sinceBest;
  private int step;
  private TrainingResult.Status ended;
  private int divergedAt;
  private long lastTime = System.nanoTime();
  private final List<DataFingerprint> fingerprints = new ArrayList<>();

  private Trainer(M model, Objective<M> loss, List<FeatureMatrix> sources, TrainingConfig config) {
    this.model = model;
    this.loss = loss;
    this.config = config;
    this.random = new SplittableRandom(config.seed());
    this.parameters = List.copyOf(model.trainableParameters());
    this.manager = model.manager().newSubManager();
    try {
      for (FeatureMatrix s : sources) {
        fingerprints.add(DataFingerprint.of(s));
        FeatureMatrix[] parts = s.split(config.validationFraction(), random.nextLong());
        train.add(new Source(parts[0], manager));
        if (parts[1] != null) {
          validation.add(new Source(parts[1], manager));
        }
      }
      Source first = train.get(0);
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        model.prepare(first.head(Math.min(PREPARE_ROWS, first.size)));
      }
      List<NDArray> weights = new ArrayList<>();
      parameters.forEach(p -> weights.add(p.getArray()));
      this.adam =
          new Adam(
              weights, config.learningRate(), config.beta1(), config.beta2(), config.epsilon());
      this.losses = manager.zeros(new Shape(config.evaluateEvery()));
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
    this.rowsPerStep = train.stream().mapToInt(s -> Math.min(config.batchSize(), s.size)).sum();
    config.listener().onStart(config.steps(), model.trainableSize());
  }

  /** Maximum-likelihood training of a flow on one data set. */
  public static TrainingResult fit(Flow flow, FeatureMatrix data, TrainingConfig config) {
    return train(flow, new MaximumLikelihood(), List.of(data), config);
  }

  /**
   * Trains the model in place: {@link #start}, {@link #step} until done, {@link #finish}.
   *
   * @return the history, the best step and how the run ended
   * @throws IllegalArgumentException if the data do not match the objective or the model
   */
  public static <M extends Trainable> TrainingResult train(
      M model, Objective<M> loss, List<FeatureMatrix> sources, TrainingConfig config) {
    try (Trainer<M> run = start(model, loss, sources, config)) {
      while (!run.isDone()) {
        run.step();
      }
      return run.finish();
    }
  }

  /**
   * Uploads the sources to the model's device and prepares a run; close it to free the device
   * copies.
   *
   * @throws IllegalArgumentException if the data do not match the objective or the model, or a
   *     source has fewer than {@link TrainingConfig#minimumRows()} rows
   */
  public static <M extends Trainable> Trainer<M> start(
      M model, Objective<M> loss, List<FeatureMatrix> sources, TrainingConfig config) {
    if (sources.size() != loss.sources()) {
      throw new IllegalArgumentException(
          "the objective takes " + loss.sources() + " data source(s), got " + sources.size());
    }
    for (int s = 0; s < sources.size(); s++) {
      if (sources.get(s) == null) {
        throw new IllegalArgumentException("source " + s + " is null");
      }
      config.checkRows("source " + s, sources.get(s).size());
      loss.checkSource(model, s, sources.get(s));
    }
    return new Trainer<>(model, loss, sources, config);
  }

  /** Whether the run has ended (all steps done, early stop or divergence). */
  public boolean isDone() {
    return ended != null;
  }

  /** Optimizer steps done so far. */
  public int steps() {
    return step;
  }

  /**
   * One optimizer step, followed by an evaluation when one is due.
   *
   * @throws IllegalStateException if the run has ended
   */
  public void step() {
    if (ended != null) {
      throw new IllegalStateException("the run has ended (" + ended + ") after " + step + " steps");
    }
    int slot = step % config.evaluateEvery();
    update(slot, config.schedule().rate(config.learningRate(), step, config.steps()));
    step++;
    accumulate();
    if (slot == config.evaluateEvery() - 1 || step == config.steps()) {
      evaluate(slot + 1);
    }
    if (ended == null && step == config.steps()) {
      ended = TrainingResult.Status.COMPLETED;
    }
  }

  /**
   * Ends the run: restores the best parameters if {@link TrainingConfig#keepBest()} and reports.
   */
  public TrainingResult finish() {
    if (ended == null) {
      throw new IllegalStateException("the run is not done: " + step + " steps");
    }
    if (best != null) {
      restore(best);
      best = null;
    }
    if (average != null && ended == TrainingResult.Status.COMPLETED) {
      restore(average.stream().map(NDArray::toFloatArray).toArray(float[][]::new));
    }
    TrainingResult result =
        new TrainingResult(
            ended,
            step,
            bestStep,
            bestLoss,
            divergedAt,
            history,
            (System.nanoTime() - start) / 1e9);
    model.trained(TrainingRecord.of(config, loss, fingerprints, result));
    config.listener().onFinish(result);
    return result;
  }

  @Override
  public void close() {
    adam.close();
    manager.close();
  }

  private void evaluate(int count) {
    double trainLoss = meanLoss(count);
    if (Double.isNaN(trainLoss)) {
      return;
    }
    double validationLoss = validation.isEmpty() ? Double.NaN : validationLoss();
    if (!validation.isEmpty() && !Double.isFinite(validationLoss)) {
      diverge(step);
      return;
    }
    double criterion = validation.isEmpty() ? trainLoss : validationLoss;
    boolean improved = criterion < bestLoss;
    long now = System.nanoTime();
    double rate = count * (double) rowsPerStep / ((now - lastTime) / 1e9);
    lastTime = now;
    TrainingListener.Evaluation e =
        new TrainingListener.Evaluation(step, trainLoss, validationLoss, improved, rate);
    history.add(e);
    config.listener().onEvaluation(e, config.steps());
    if (improved) {
      bestLoss = criterion;
      bestStep = step;
      sinceBest = 0;
      if (config.keepBest()) {
        best = snapshot();
      }
      checkpoint();
    } else if (config.patience() > 0 && ++sinceBest >= config.patience()) {
      ended = TrainingResult.Status.STOPPED_EARLY;
    }
  }

  private void diverge(int atStep) {
    ended = TrainingResult.Status.DIVERGED;
    divergedAt = atStep;
  }

  private void update(int slot, double learningRate) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      List<Batch> batches = new ArrayList<>();
      for (Source s : train) {
        batches.add(s.next(config.batchSize(), random));
      }
      NDArray value;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        value = loss.compute(model, batches);
        collector.backward(value);
      }
      losses.set(new NDIndex(slot), value.stopGradient());
      List<NDArray> gradients = new ArrayList<>(parameters.size());
      for (Parameter p : parameters) {
        gradients.add(p.getArray().getGradient());
      }
      if (config.clipNorm() > 0) {
        clip(gradients);
      }
      adam.step(gradients, learningRate);
      for (NDArray g : gradients) {
        g.subi(g);
      }
    }
  }

  /** Adds the parameters to their running mean once the step is one of the last averaged ones. */
  private void accumulate() {
    int k = step - (config.steps() - config.averageLast());
    if (config.averageLast() == 0 || k < 1) {
      return;
    }
    if (k == 1) {
      average = new ArrayList<>(parameters.size());
      for (Parameter p : parameters) {
        NDArray copy = p.getArray().duplicate();
        copy.attach(manager);
        average.add(copy);
      }
      return;
    }
    for (int i = 0; i < parameters.size(); i++) {
      NDArray mean = average.get(i);
      try (NDArray delta = parameters.get(i).getArray().sub(mean)) {
        mean.addi(delta.divi(k));
      }
    }
  }

  /** Scales all gradients by min(1, clip / ||g||) (global L2 norm), on the device. */
  private void clip(List<NDArray> gradients) {
    NDArray squared = null;
    for (NDArray g : gradients) {
      NDArray s = g.square().sum();
      squared = squared == null ? s : squared.add(s);
    }
    NDArray factor = squared.sqrt().add(1e-6).pow(-1).mul(config.clipNorm()).minimum(1f);
    for (NDArray g : gradients) {
      g.muli(factor);
    }
  }

  /** The mean loss of the last {@code count} steps, or NaN after marking the run diverged. */
  private double meanLoss(int count) {
    float[] values;
    try (NDArray window = losses.get("0:" + count)) {
      values = window.toFloatArray();
    }
    double sum = 0;
    for (int i = 0; i < count; i++) {
      if (!Float.isFinite(values[i])) {
        diverge(step - count + i + 1);
        return Double.NaN;
      }
      sum += values[i];
    }
    return sum / count;
  }

  private double validationLoss() {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      List<Batch> whole = new ArrayList<>();
      for (Source s : validation) {
        whole.add(s.all());
      }
      return loss.compute(model, whole).getFloat();
    }
  }

  private float[][] snapshot() {
    float[][] values = new float[parameters.size()][];
    for (int i = 0; i < values.length; i++) {
      values[i] = parameters.get(i).getArray().toFloatArray();
    }
    return values;
  }

  private void restore(float[][] values) {
    for (int i = 0; i < values.length; i++) {
      parameters.get(i).getArray().set(values[i]);
    }
  }

  private void checkpoint() {
    if (config.checkpointDir() == null) {
      return;
    }
    try {
      model.save(config.checkpointDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint to " + config.checkpointDir(), e);
    }
  }

  /** One data source on the device, drawn in epochs of a seeded shuffle. */
  private static final class Source {
    final int size;
    private final NDArray x;
    private final NDArray context;
    private final NDArray weights;
    private final NDArray labels;
    private final NDArray categories;
    private final NDManager manager;
    private int[] order;
    private int position;

    Source(FeatureMatrix s, NDManager manager) {
      this.size = s.size();
      this.manager = manager;
      this.x = manager.create(s.x(), new Shape(size, s.dim()));
      this.context =
          s.context() == null ? null : manager.create(s.context(), new Shape(size, s.contextDim()));
      this.weights = s.weights() == null ? null : manager.create(s.weights());
      this.labels =
          s.labels() == null ? null : manager.create(s.labels()).toType(DataType.FLOAT32, false);
      this.categories =
          s.categories() == null
              ? null
              : manager.create(s.categories()).toType(DataType.INT64, false);
    }

    Batch next(int batchSize, SplittableRandom random) {
      int n = Math.min(batchSize, size);
      if (order == null || position + n > size) {
        order = Seeds.shuffled(size, random);
        position = 0;
      }
      long[] rows = new long[n];
      for (int i = 0; i < n; i++) {
        rows[i] = order[position + i];
      }
      position += n;
      NDIndex index = new NDIndex("{}", manager.create(rows));
      return new Batch(
          x.get(index),
          context == null ? null : context.get(index),
          weights == null ? null : weights.get(index),
          labels == null ? null : labels.get(index),
          categories == null ? null : categories.get(index));
    }

    Batch all() {
      return new Batch(x, context, weights, labels, categories);
    }

    /** The first n rows (the split already shuffled them). */
    Batch head(int n) {
      String rows = "0:" + n;
      return new Batch(
          x.get(rows),
          context == null ? null : context.get(rows),
          weights == null ? null : weights.get(rows),
          labels == null ? null : labels.get(rows),
          categories == null ? null : categories.get(rows));
    }
  }
}
