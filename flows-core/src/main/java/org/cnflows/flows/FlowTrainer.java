package org.cnflows.flows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.cnflows.flows.internal.Adam;

/**
 * Trains a flow by stochastic gradient descent on a pluggable {@link FlowLoss} with Adam.
 *
 * <p>Each step draws one batch from each data source (epochs of a seeded shuffle), computes the
 * loss, back-propagates, clips the global gradient norm if asked and updates the parameters. Every
 * step runs in its own {@link NDScope}, so native memory does not grow with the number of steps.
 * Losses stay on the device and are read back once per evaluation: a NaN or infinite loss then
 * stops training with an {@link IllegalStateException} that names the first such step. At each
 * evaluation the validation loss is computed (without gradients); the best evaluation's parameters
 * are saved to the checkpoint directory if one is set and, with {@link TrainingConfig#keepBest()}
 * (the default), snapshotted on the host and restored at the end; without it the flow ends with the
 * parameters of the last step. Before the first step, {@link ActNorm} layers that are still the
 * identity are data-initialized from up to {@value #ACT_NORM_ROWS} shuffled rows of the first
 * source.
 *
 * <p>Not thread-safe: one training per flow at a time.
 */
public final class FlowTrainer {

  /** Rows of the first source used to data-initialize ActNorm layers. */
  static final int ACT_NORM_ROWS = 4096;

  private FlowTrainer() {}

  /** Maximum-likelihood training on one data set. */
  public static TrainingResult fit(Flow flow, Samples data, TrainingConfig config) {
    return train(flow, new MaximumLikelihood(), List.of(data), config);
  }

  /**
   * Trains the flow in place.
   *
   * @param flow the flow
   * @param loss the objective
   * @param sources one data set per source of the loss
   * @param config the settings
   * @return the history and the best step; the flow holds the best evaluation's parameters if
   *     {@link TrainingConfig#keepBest()}, else those of the last step
   * @throws IllegalArgumentException if the data do not match the loss or the flow
   * @throws IllegalStateException if the loss becomes NaN or infinite
   */
  public static TrainingResult train(
      Flow flow, FlowLoss loss, List<Samples> sources, TrainingConfig config) {
    if (sources.size() != loss.sources()) {
      throw new IllegalArgumentException(
          "the loss takes " + loss.sources() + " data source(s), got " + sources.size());
    }
    for (int s = 0; s < sources.size(); s++) {
      Samples d = sources.get(s);
      if (d.dim() != flow.dim() || d.contextDim() != flow.contextDim()) {
        throw new IllegalArgumentException(
            "source "
                + s
                + " has dim = "
                + d.dim()
                + ", contextDim = "
                + d.contextDim()
                + "; the flow has dim = "
                + flow.dim()
                + ", contextDim = "
                + flow.contextDim());
      }
    }
    long start = System.nanoTime();
    try (NDManager manager = flow.manager().newSubManager()) {
      return new Run(flow, loss, sources, config, manager).run(start);
    }
  }

  /** The state of one training run. */
  private static final class Run {
    private final Flow flow;
    private final FlowLoss loss;
    private final TrainingConfig config;
    private final NDManager manager;
    private final List<Source> train = new ArrayList<>();
    private final List<Source> validation = new ArrayList<>();
    private final List<Parameter> parameters = new ArrayList<>();
    private final SplittableRandom random;

    Run(Flow flow, FlowLoss loss, List<Samples> sources, TrainingConfig config, NDManager manager) {
      this.flow = flow;
      this.loss = loss;
      this.config = config;
      this.manager = manager;
      this.random = new SplittableRandom(config.seed());
      for (Samples s : sources) {
        Samples[] parts = s.split(config.validationFraction(), random.nextLong());
        train.add(new Source(parts[0], manager));
        if (parts[1] != null) {
          validation.add(new Source(parts[1], manager));
        }
      }
      for (Pair<String, Parameter> p : flow.parameters()) {
        if (p.getValue().requiresGradient()) {
          parameters.add(p.getValue());
        }
      }
    }

    /** Data-initializes the flow's ActNorm layers if none has been initialized or trained yet. */
    private void initializeActNorm() {
      boolean fresh = false;
      for (Bijection layer : flow.layers()) {
        if (layer instanceof ActNorm actNorm) {
          if (!actNorm.isIdentity()) {
            return;
          }
          fresh = true;
        }
      }
      if (fresh) {
        Source first = train.get(0);
        int rows = Math.min(ACT_NORM_ROWS, first.size);
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          Batch head = first.head(rows);
          ActNorm.initializeFrom(flow, head.x(), head.context());
        }
      }
    }

    TrainingResult run(long start) {
      initializeActNorm();
      TrainingListener listener = config.listener();
      listener.onStart(config.steps(), flow.trainableSize());
      List<NDArray> weights = new ArrayList<>();
      parameters.forEach(p -> weights.add(p.getArray()));
      NDArray losses = manager.zeros(new Shape(config.evaluateEvery()));
      List<TrainingListener.Evaluation> history = new ArrayList<>();
      float[][] best = null;
      double bestLoss = Double.POSITIVE_INFINITY;
      int bestStep = 0;
      int sinceBest = 0;
      int step = 0;
      boolean stoppedEarly = false;
      long lastTime = System.nanoTime();
      int rowsPerStep = train.stream().mapToInt(s -> Math.min(config.batchSize(), s.size)).sum();
      try (Adam adam =
          new Adam(
              weights, config.learningRate(), config.beta1(), config.beta2(), config.epsilon())) {
        while (step < config.steps()) {
          int slot = step % config.evaluateEvery();
          step(
              adam,
              losses,
              slot,
              config.schedule().rate(config.learningRate(), step, config.steps()));
          step++;
          if (slot == config.evaluateEvery() - 1 || step == config.steps()) {
            double trainLoss = meanLoss(losses, slot + 1, step);
            double validationLoss = validation.isEmpty() ? Double.NaN : validationLoss();
            double criterion = validation.isEmpty() ? trainLoss : validationLoss;
            boolean improved = criterion < bestLoss;
            long now = System.nanoTime();
            double rate = (slot + 1) * (double) rowsPerStep / ((now - lastTime) / 1e9);
            lastTime = now;
            TrainingListener.Evaluation e =
                new TrainingListener.Evaluation(step, trainLoss, validationLoss, improved, rate);
            history.add(e);
            listener.onEvaluation(e, config.steps());
            if (improved) {
              bestLoss = criterion;
              bestStep = step;
              sinceBest = 0;
              if (config.keepBest()) {
                best = snapshot();
              }
              checkpoint();
            } else if (config.patience() > 0 && ++sinceBest >= config.patience()) {
              stoppedEarly = true;
              break;
            }
          }
        }
      }
      if (best != null) {
        restore(best);
      }
      TrainingResult result =
          new TrainingResult(
              step, bestStep, bestLoss, stoppedEarly, history, (System.nanoTime() - start) / 1e9);
      listener.onFinish(result);
      return result;
    }

    private void step(Adam adam, NDArray losses, int slot, double learningRate) {
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        List<Batch> batches = new ArrayList<>();
        for (Source s : train) {
          batches.add(s.next(config.batchSize(), random));
        }
        NDArray value;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          value = loss.compute(flow, batches);
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

    private double meanLoss(NDArray losses, int count, int step) {
      float[] values;
      try (NDArray window = losses.get("0:" + count)) {
        values = window.toFloatArray();
      }
      double sum = 0;
      for (int i = 0; i < count; i++) {
        if (!Float.isFinite(values[i])) {
          int failed = step - count + i + 1;
          throw new IllegalStateException(
              "training loss is "
                  + values[i]
                  + " at step "
                  + failed
                  + " of "
                  + config.steps()
                  + "; lower the learning rate, clip gradients (optClipNorm) or check the data");
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
        return loss.compute(flow, whole).getFloat();
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
        FlowIO.save(flow, config.checkpointDir());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write checkpoint to " + config.checkpointDir(), e);
      }
    }
  }

  /** One data source on the device, drawn in epochs of a seeded shuffle. */
  private static final class Source {
    final int size;
    private final NDArray x;
    private final NDArray context;
    private final NDArray weights;
    private final NDManager manager;
    private int[] order;
    private int position;

    Source(Samples s, NDManager manager) {
      this.size = s.size();
      this.manager = manager;
      this.x = manager.create(s.x(), new Shape(size, s.dim()));
      this.context =
          s.context() == null ? null : manager.create(s.context(), new Shape(size, s.contextDim()));
      this.weights = s.weights() == null ? null : manager.create(s.weights());
    }

    Batch next(int batchSize, SplittableRandom random) {
      int n = Math.min(batchSize, size);
      if (order == null || position + n > size) {
        order = Samples.shuffled(size, random);
        position = 0;
      }
      long[] rows = new long[n];
      for (int i = 0; i < n; i++) {
        rows[i] = order[position + i];
      }
      position += n;
      NDArray index = manager.create(rows);
      return new Batch(
          x.get(new NDIndex("{}", index)),
          context == null ? null : context.get(new NDIndex("{}", index)),
          weights == null ? null : weights.get(new NDIndex("{}", index)));
    }

    Batch all() {
      return new Batch(x, context, weights);
    }

    /** The first n rows (the split already shuffled them). */
    Batch head(int n) {
      String rows = "0:" + n;
      return new Batch(
          x.get(rows),
          context == null ? null : context.get(rows),
          weights == null ? null : weights.get(rows));
    }
  }
}
