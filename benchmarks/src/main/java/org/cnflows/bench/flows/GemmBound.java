package org.cnflows.bench.flows;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.cnflows.flows.Activation;
import org.cnflows.flows.Flow;
import org.cnflows.flows.LayerSpec;

/**
 * The matrix-product limit of a flow on this machine, measured through the same engine: each
 * conditioner layer's products are timed alone at the flow's shapes and the batch size, so a flow
 * benchmark can print the fraction of it that the whole flow reaches.
 *
 * <p>A dense layer y = x W^T + b of width in -> out costs 2 in out FLOP per event forward (one
 * addmm, {@link Linear#linear}); a training step adds the two products of its backward pass, dL/dx
 * = dL/dy W (N x out x in) and dL/dW = dL/dy^T x (out x N x in), so about 3x the forward FLOP. The
 * bound is batch / (sum over layers of the measured product times): what the flow would reach if
 * everything but its conditioners' matrix products were free. Elementwise maps, the coupling
 * transforms, the optimizer and the host read-back are outside it.
 *
 * <p>The hidden activations of the conditioners (coupling MLPs: one per hidden layer; MADEs, alone
 * or one per nuisance and pair of nuisances in a factorizable residual: two per residual block) are
 * timed the same way at (batch, hidden): an eager engine runs each as its own kernel, so batch /
 * (products + activations) is the log-density ceiling of the flow as long as nothing fuses an
 * activation into its product, whatever else is made free. Layers without a conditioner add no
 * activation.
 */
public final class GemmBound {

  private static final double SECONDS_PER_SHAPE = 0.1;

  /**
   * Weights of the dense layers: an MLP's {@code denseK}, a MADE's initial, residual and output.
   */
  private static final String DENSE_WEIGHT = ".*(dense\\d+|initial|block\\d+[ab]|output)_weight";

  private final int batch;
  private final double forwardFlopPerEvent;
  private final double forwardSeconds;
  private final double trainingSeconds;
  private final double forwardGflops;
  private final int activations;
  private final double activationSeconds;

  private GemmBound(
      int batch,
      double forwardFlopPerEvent,
      double forwardSeconds,
      double trainingSeconds,
      int activations,
      double activationSeconds) {
    this.batch = batch;
    this.forwardFlopPerEvent = forwardFlopPerEvent;
    this.forwardSeconds = forwardSeconds;
    this.trainingSeconds = trainingSeconds;
    this.activations = activations;
    this.activationSeconds = activationSeconds;
    this.forwardGflops = forwardFlopPerEvent * batch / forwardSeconds / 1e9;
  }

  /**
   * Times the matrix products of the flow's conditioners ({@code dense} layers, masked or not) and
   * their hidden activations at the given batch size on the flow's device.
   *
   * @throws IllegalArgumentException if the flow has no dense layer
   */
  public static GemmBound measure(Flow flow, int batch) {
    Map<String, int[]> shapes = new TreeMap<>();
    for (Pair<String, Parameter> p : flow.parameters()) {
      Shape s = p.getValue().getArray().getShape();
      if (p.getKey().matches(DENSE_WEIGHT) && s.dimension() == 2) {
        int out = (int) s.get(0);
        int in = (int) s.get(1);
        shapes.computeIfAbsent(in + "x" + out, k -> new int[] {in, out, 0})[2]++;
      }
    }
    if (shapes.isEmpty()) {
      throw new IllegalArgumentException("the flow has no dense layer to bound");
    }
    Map<Hidden, Integer> hiddenActivations = new LinkedHashMap<>();
    for (LayerSpec spec : flow.layerSpecs()) {
      if (spec instanceof LayerSpec.CouplingLayer c) {
        hiddenActivations.merge(new Hidden(c.activation(), c.hidden()), c.depth(), Integer::sum);
      } else if (spec instanceof LayerSpec.AutoregressiveLayer a) {
        hiddenActivations.merge(
            new Hidden(a.activation(), a.hidden()), 2 * a.residualBlocks(), Integer::sum);
      } else if (spec instanceof LayerSpec.FactorizableLayer f) {
        int k = f.nuisances();
        int mades = k + (f.crossTerms() ? k * (k - 1) / 2 : 0);
        hiddenActivations.merge(
            new Hidden(f.activation(), f.hidden()), mades * 2 * f.residualBlocks(), Integer::sum);
      }
    }
    double flop = 0;
    double forward = 0;
    double training = 0;
    int activations = 0;
    double activationTime = 0;
    try (NDManager manager = NDManager.newBaseManager(flow.device())) {
      for (Map.Entry<Hidden, Integer> a : hiddenActivations.entrySet()) {
        Hidden hidden = a.getKey();
        NDArray h = manager.randomNormal(new Shape(batch, hidden.width()));
        activations += a.getValue();
        activationTime += seconds(flow.device(), () -> hidden.activation().apply(h)) * a.getValue();
      }
      for (int[] shape : shapes.values()) {
        int in = shape[0];
        int out = shape[1];
        int count = shape[2];
        NDArray x = manager.randomNormal(new Shape(batch, in));
        NDArray w = manager.randomNormal(new Shape(out, in));
        NDArray b = manager.randomNormal(new Shape(out));
        NDArray dy = manager.randomNormal(new Shape(batch, out));
        double f = seconds(flow.device(), () -> Linear.linear(x, w, b).singletonOrThrow());
        double dx = seconds(flow.device(), () -> dy.matMul(w));
        double dw = seconds(flow.device(), () -> dy.transpose().matMul(x));
        flop += 2.0 * in * out * count;
        forward += f * count;
        training += (f + dx + dw) * count;
      }
    }
    return new GemmBound(batch, flop, forward, training, activations, activationTime);
  }

  /** A conditioner's hidden activation and the width it runs at. */
  private record Hidden(Activation activation, int width) {}

  /**
   * {@link #measure}, or null for a flow without dense layers (no conditioner products to bound).
   */
  public static GemmBound ofDenseLayers(Flow flow, int batch) {
    try {
      return measure(flow, batch);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Mean seconds of one product, after warm-up, for at least {@value #SECONDS_PER_SHAPE} s. */
  private static double seconds(Device device, Supplier<NDArray> product) {
    for (int i = 0; i < 5; i++) {
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        sync(device, product.get());
      }
    }
    long start = System.nanoTime();
    long calls = 0;
    long elapsed;
    do {
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDArray last = null;
        for (int i = 0; i < 10; i++) {
          last = product.get();
        }
        sync(device, last);
      }
      calls += 10;
      elapsed = System.nanoTime() - start;
    } while (elapsed < SECONDS_PER_SHAPE * 1e9);
    return elapsed / 1e9 / calls;
  }

  /** Waits for the device: one element read back (a GPU runs asynchronously). */
  private static void sync(Device device, NDArray a) {
    if (!device.isGpu()) {
      return;
    }
    a.get(0).toDevice(Device.cpu(), false).toFloatArray();
  }

  /** Rows per batch of the measurement. */
  public int batch() {
    return batch;
  }

  /** FLOP per event of the conditioners' forward products. */
  public double forwardFlopPerEvent() {
    return forwardFlopPerEvent;
  }

  /** GFLOP/s of the forward products at this batch. */
  public double forwardGflops() {
    return forwardGflops;
  }

  /** Events/s of log-density evaluation if only the forward products cost time. */
  public double logProbEventsPerSecond() {
    return batch / forwardSeconds;
  }

  /** Hidden activations of one forward pass that the ceiling counts. */
  public int activations() {
    return activations;
  }

  /**
   * Events/s of log-density evaluation if only the forward products and the conditioners' hidden
   * activations cost time: the ceiling while each activation is a kernel of its own.
   */
  public double logProbWithActivationsEventsPerSecond() {
    return batch / (forwardSeconds + activationSeconds);
  }

  /** Events/s of training steps if only the forward and backward products cost time. */
  public double trainingEventsPerSecond() {
    return batch / trainingSeconds;
  }

  @Override
  public String toString() {
    String bound =
        String.format(
            "GEMM bound at batch %d: %.2f MFLOP/event forward at %.1f GFLOP/s -> %,.0f events/s"
                + " log-density, %,.0f events/s training (forward + backward products)",
            batch,
            forwardFlopPerEvent / 1e6,
            forwardGflops,
            logProbEventsPerSecond(),
            trainingEventsPerSecond());
    if (activations == 0) {
      return bound;
    }
    return bound
        + String.format(
            "%n  with the %d hidden activations as kernels of their own (%.1f ms a batch against"
                + " %.1f ms of products): %,.0f events/s log-density = %.0f%% of the GEMM bound at"
                + " most",
            activations,
            1e3 * activationSeconds,
            1e3 * forwardSeconds,
            logProbWithActivationsEventsPerSecond(),
            100 * forwardSeconds / (forwardSeconds + activationSeconds));
  }
}
