package org.cnflows.flows;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.cnflows.flows.internal.PresetBlock;

/**
 * A normalizing flow: a standard normal base density and a chain of bijections f = f_L o ... o f_1
 * mapping data x to latent z, so that
 *
 * <pre>
 *   log p(x | c) = log N(f(x; c); 0, I) + sum_l log |det J_{f_l}(x_{l-1}; c)|
 * </pre>
 *
 * (Papamakarios et al. 2021, Eq. 3). The flow owns its parameters in its own {@link NDManager} on
 * the device chosen at build time; close it to free them. Results of the methods live in the
 * manager of their input; the checked methods ({@link #logProb}, {@link #forward}, {@link
 * #inverse}, {@link #sample}) leave nothing else there. Build with {@link #builder()} or a recipe
 * of {@link Flows}.
 *
 * <p>Not thread-safe while training; concurrent evaluation is safe.
 */
public final class Flow implements Trainable, AutoCloseable {

  /**
   * The largest |value| of a feature or context accepted by {@link #logProb}, {@link #forward} and
   * {@link #inverse}. Beyond it the squared latent norm of a flow overflows float32 (log p = -inf
   * from about 1e19, NaN at Float.MAX_VALUE); flows are meant for standardized features, for which
   * 1e8 standard deviations is no restriction.
   */
  public static final double INPUT_LIMIT = 1e8;

  private final int dim;
  private final int contextDim;
  private final long seed;
  private final List<LayerSpec> specs;
  private final StandardNormal base;
  private final Chain chain;
  private final NDManager manager;
  private volatile TrainingRecord training;

  private Flow(Builder b) {
    this.dim = b.dim;
    this.contextDim = b.contextDim;
    this.seed = b.seed;
    this.specs = List.copyOf(b.specs);
    this.base = new StandardNormal(dim);
    this.chain = new Chain();
    for (int i = 0; i < specs.size(); i++) {
      chain.add(String.format("%02d", i), specs.get(i).build(dim, contextDim, layerSeed(seed, i)));
    }
    this.manager = NDManager.newBaseManager(b.device);
    chain.initialize(manager, DataType.FLOAT32, new Shape(1, dim));
  }

  private static long layerSeed(long seed, int index) {
    long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A builder: {@code Flow.builder().setDim(2).optContext(1).add(...).build()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** D, the number of features. */
  public int dim() {
    return dim;
  }

  /** C, the width of the context (0 for an unconditional flow). */
  public int contextDim() {
    return contextDim;
  }

  /** The seed the parameters were initialized from. */
  public long seed() {
    return seed;
  }

  /** The layer configurations, in the order applied to data. */
  public List<LayerSpec> layerSpecs() {
    return specs;
  }

  /** The layers, in the order applied to data. */
  public List<Bijection> layers() {
    return java.util.Collections.unmodifiableList(chain.layers);
  }

  /** The device of the parameters. */
  public Device device() {
    return manager.getDevice();
  }

  /** The manager that owns the parameters. */
  public NDManager manager() {
    return manager;
  }

  /** The parameters with their hierarchical names, trainable and constant. */
  public List<Pair<String, Parameter>> parameters() {
    List<Pair<String, Parameter>> list = new ArrayList<>();
    for (Pair<String, Parameter> p : chain.getParameters()) {
      list.add(p);
    }
    return list;
  }

  @Override
  public void trained(TrainingRecord record) {
    this.training = record;
  }

  @Override
  public TrainingRecord training() {
    return training;
  }

  @Override
  public List<Parameter> trainableParameters() {
    List<Parameter> list = new ArrayList<>();
    for (Pair<String, Parameter> p : parameters()) {
      if (p.getValue().requiresGradient()) {
        list.add(p.getValue());
      }
    }
    return list;
  }

  /**
   * Data-initializes the flow's {@link ActNorm} layers from the first training rows when every one
   * of them is still the identity, so training again never resets them.
   */
  @Override
  public void prepare(Batch firstRows) {
    boolean fresh = false;
    for (Bijection layer : layers()) {
      if (layer instanceof ActNorm actNorm) {
        if (!actNorm.isIdentity()) {
          return;
        }
        fresh = true;
      }
    }
    if (fresh) {
      ActNorm.initializeFrom(this, firstRows.x(), firstRows.context());
    }
  }

  /** Saves the flow with {@link FlowIO#save}. */
  @Override
  public void save(Path directory) throws IOException {
    FlowIO.save(this, directory);
  }

  /**
   * log p(x | context) for each row, after checking the inputs. The call evaluates in a native
   * sub-scope of the manager of x whose only survivor is the result, so a manager reused across
   * calls keeps only what the caller keeps (gradients still flow to x and to the parameters).
   *
   * @param x the batch, shape (N, D), float32, on the flow's device, every |value| <= {@link
   *     #INPUT_LIMIT}
   * @param context the context, shape (N, C), under the same conditions, or null for an
   *     unconditional flow
   * @return shape (N), finite, in the manager of x
   * @throws IllegalArgumentException naming the shape, data type or device, or the first row and
   *     column that is NaN, infinite or beyond {@link #INPUT_LIMIT}, or the first row whose
   *     log-density is not finite in float32
   */
  public NDArray logProb(NDArray x, NDArray context) {
    return scoped(
            x,
            context,
            (lx, lc) -> {
              NDArray logProb = logProbTrusted(lx, lc);
              Inputs.checkLogDensity(logProb);
              return new NDList(logProb);
            })
        .singletonOrThrow();
  }

  /**
   * log p(x | context) without validation, for training losses whose batches were validated once
   * when the data were loaded ({@link org.cnflows.common.FeatureMatrix}). The result and every
   * intermediate live in the manager of x (the caller scopes them, as {@link Trainer} and {@link
   * BatchEvaluator} do).
   */
  public NDArray logProbTrusted(NDArray x, NDArray context) {
    Transformed t = forwardTrusted(x, context);
    return base.logProb(t.value()).add(t.logDet());
  }

  /**
   * z = f(x; context) and log |det dz/dx|, after the checks of {@link #logProb} (except the
   * finiteness of the result); the results live in the manager of x, the intermediates are freed.
   */
  public Transformed forward(NDArray x, NDArray context) {
    return transformed(scoped(x, context, (lx, lc) -> list(forwardTrusted(lx, lc))));
  }

  /**
   * z = f(x; context) and log |det dz/dx| without validation, for models that compose flows inside
   * a training loss or an {@link EventFunction} ({@link ResidualFlow}); results and intermediates
   * live in the manager of x, as for {@link #logProbTrusted}.
   */
  public Transformed forwardTrusted(NDArray x, NDArray context) {
    return chain.forward(x, context);
  }

  /**
   * x = f^-1(z; context) and log |det dx/dz|, after the checks of {@link #logProb} applied to z
   * (except the finiteness of the result); the results live in the manager of z, the intermediates
   * are freed.
   */
  public Transformed inverse(NDArray z, NDArray context) {
    return transformed(scoped(z, context, (lz, lc) -> list(inverseTrusted(lz, lc))));
  }

  private Transformed inverseTrusted(NDArray z, NDArray context) {
    NDArray h = z;
    NDArray logDet = z.getManager().zeros(new Shape(z.getShape().get(0)), z.getDataType());
    for (int i = chain.layers.size() - 1; i >= 0; i--) {
      Bijection layer = chain.layers.get(i);
      NDArray in = h;
      Transformed t = Chain.scoped(() -> layer.inverse(in, context));
      h = t.value();
      logDet = logDet.add(t.logDet());
    }
    return new Transformed(h, logDet);
  }

  /**
   * Draws n samples x = f^-1(z), z ~ N(0, I).
   *
   * @param target the manager of the result (its device must be the flow's); only the result is
   *     left in it
   * @param n the number of samples
   * @param context (n, C) context, or null for an unconditional flow
   * @param seed the seed of the base draws
   * @return shape (n, D)
   */
  public NDArray sample(NDManager target, int n, NDArray context, long seed) {
    try (NDManager draws = target.newSubManager()) {
      NDArray x = inverse(base.sample(draws, n, seed), context).value();
      x.attach(target);
      return x;
    }
  }

  /**
   * Checks the inputs and applies {@code f} to views of them in a sub-scope of the first input's
   * manager; only the returned arrays leave the scope, into that manager.
   */
  private NDList scoped(NDArray x, NDArray context, BiFunction<NDArray, NDArray, NDList> function) {
    NDManager caller = x.getManager();
    try (NDManager scope = caller.newSubManager()) {
      NDArray localX = Inputs.local(x, scope);
      NDArray localContext = Inputs.local(context, scope);
      Inputs.check(localX, localContext, dim, contextDim, device());
      NDList results = function.apply(localX, localContext);
      results.attach(caller);
      return results;
    }
  }

  private static NDList list(Transformed t) {
    return new NDList(t.value(), t.logDet());
  }

  private static Transformed transformed(NDList list) {
    return new Transformed(list.get(0), list.get(1));
  }

  @Override
  public void close() {
    manager.close();
  }

  /** The layers as one DJL block, so DJL owns their parameters. */
  private static final class Chain extends PresetBlock {
    private final List<Bijection> layers = new ArrayList<>();

    void add(String name, Bijection layer) {
      layers.add(addChildBlock(name, layer));
    }

    /** f(x) = f_L o ... o f_1 (x) and the summed log-determinants. */
    Transformed forward(NDArray x, NDArray context) {
      NDArray h = x;
      NDArray logDet = null;
      for (Bijection layer : layers) {
        NDArray in = h;
        Transformed t = scoped(() -> layer.forward(in, context));
        h = t.value();
        logDet = logDet == null ? t.logDet() : logDet.add(t.logDet());
      }
      if (logDet == null) {
        logDet = x.getManager().zeros(new Shape(x.getShape().get(0)), x.getDataType());
      }
      return new Transformed(h, logDet);
    }

    /**
     * Applies one layer in its own native scope: its intermediates are released as soon as it
     * returns, so the next layer's temporaries reuse their memory (autograd keeps natively what the
     * backward pass needs, as for the sub-scope of {@link Flow#logProb}); z and log|det| move to
     * the enclosing scope, if any.
     */
    static Transformed scoped(Supplier<Transformed> layer) {
      Transformed t;
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        t = layer.get();
        NDScope.unregister(t.value(), t.logDet());
      }
      NDScope.register(t.value());
      NDScope.register(t.logDet());
      return t;
    }

    @Override
    protected ai.djl.ndarray.NDList forwardList(ai.djl.ndarray.NDList inputs) {
      Transformed t = forward(inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null);
      return new ai.djl.ndarray.NDList(t.value(), t.logDet());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      return new Shape[] {inputShapes[0], new Shape(inputShapes[0].get(0))};
    }
  }

  /** Builder of {@link Flow}: {@code setDim} required, the rest optional. */
  public static final class Builder {
    private int dim;
    private int contextDim;
    private long seed = 42;
    private Device device;
    private final List<LayerSpec> specs = new ArrayList<>();

    private Builder() {}

    /** D, the number of features (required). */
    public Builder setDim(int dim) {
      this.dim = dim;
      return this;
    }

    /** C, the width of the context vector (default 0). */
    public Builder optContext(int contextDim) {
      this.contextDim = contextDim;
      return this;
    }

    /** The seed of the parameters' initialization (default 42). */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The device of the parameters (default {@link Devices#fromSystemProperty()}). */
    public Builder optDevice(Device device) {
      this.device = device;
      return this;
    }

    /** Appends a layer. */
    public Builder add(LayerSpec spec) {
      if (spec == null) {
        throw new IllegalArgumentException("layer spec is null");
      }
      specs.add(spec);
      return this;
    }

    /** Appends layers. */
    public Builder addAll(List<? extends LayerSpec> list) {
      list.forEach(this::add);
      return this;
    }

    /** Builds and initializes the flow. */
    public Flow build() {
      if (dim < 1) {
        throw new IllegalArgumentException("dim = " + dim + " must be at least 1 (setDim)");
      }
      if (contextDim < 0) {
        throw new IllegalArgumentException("context = " + contextDim + " must be >= 0");
      }
      if (device == null) {
        device = Devices.fromSystemProperty();
      }
      return new Flow(this);
    }
  }
}
