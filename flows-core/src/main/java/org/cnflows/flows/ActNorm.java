package org.cnflows.flows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import org.cnflows.common.Standardization;
import org.cnflows.flows.internal.Params;

/**
 * Activation normalization (Kingma and Dhariwal 2018, "Glow", Sec. 3.1, Table 1): a per-feature
 * affine map with data-dependent initialization,
 *
 * <pre>
 *   z_i = (x_i - b_i) exp(-log s_i),   log |det dz/dx| = -sum_i log s_i
 * </pre>
 *
 * The parameters b and log s start at zero (the identity). Glow sets them from the first batch so
 * that z has zero mean and unit variance per feature; here that is explicit: call {@link
 * #initializeFrom(Flow, NDArray, NDArray)} with a representative batch after building a flow and
 * before training, or {@link #initializeFrom(NDArray)} with the inputs this layer sees. {@link
 * Trainer} does it with up to 4096 rows of its first data source when every ActNorm layer of the
 * flow is still the identity ({@link #isIdentity()}), so training again never resets them.
 * Afterwards b and log s are trained like any parameter. The context is ignored.
 */
public final class ActNorm extends Bijection {

  private final Parameter shift;
  private final Parameter logScale;

  /**
   * @param dim D
   * @param contextDim C (ignored by the map; kept so the layer fits any flow)
   */
  public ActNorm(int dim, int contextDim) {
    super(dim, contextDim);
    shift = addParameter(Params.zeros("shift", Parameter.Type.BIAS, new Shape(dim)));
    logScale = addParameter(Params.zeros("logScale", Parameter.Type.WEIGHT, new Shape(dim)));
  }

  /** Whether b and log s are still all zero, i.e. the layer was neither initialized nor trained. */
  public boolean isIdentity() {
    for (Parameter p : new Parameter[] {shift, logScale}) {
      for (float v : p.getArray().toFloatArray()) {
        if (v != 0f) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Sets b to the mean and log s to the log standard deviation (population, divisor N) of each
   * feature of x, so that this layer maps x to zero mean and unit variance per feature. Statistics
   * are computed in double on the host.
   *
   * @param x the inputs of this layer, shape (N, D) with N >= 2
   * @throws IllegalArgumentException naming the shape when it is not (N >= 2, D), or the first
   *     feature that is constant or not finite in x
   */
  public void initializeFrom(NDArray x) {
    Shape shape = x.getShape();
    if (shape.dimension() != 2 || shape.get(1) != dim() || shape.get(0) < 2) {
      throw new IllegalArgumentException(
          "ActNorm initialization batch has shape " + shape + ", expected (N >= 2, " + dim() + ")");
    }
    int d = dim();
    Standardization fitted;
    try (NDArray copy = x.toType(DataType.FLOAT32, true)) {
      fitted = Standardization.fit(d, copy.toFloatArray());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "ActNorm initialization: " + e.getMessage() + "; every feature needs a finite spread", e);
    }
    float[] mean = new float[d];
    float[] log = new float[d];
    for (int k = 0; k < d; k++) {
      mean[k] = (float) fitted.mean()[k];
      log[k] = (float) Math.log(fitted.sd()[k]);
    }
    shift.getArray().set(mean);
    logScale.getArray().set(log);
  }

  /**
   * Initializes every {@link ActNorm} layer of a flow from a batch, in order: each layer is
   * initialized from the batch as transformed by the layers before it (including the ActNorm layers
   * initialized before it), as Glow's first-batch initialization does.
   *
   * @param flow the flow
   * @param x a batch, shape (N, D) with N >= 2, on the flow's device
   * @param context the batch's context, shape (N, C), or null for an unconditional flow
   * @return the number of ActNorm layers initialized
   * @throws IllegalArgumentException as {@link Flow#logProb} for bad inputs, or as {@link
   *     #initializeFrom(NDArray)}
   */
  public static int initializeFrom(Flow flow, NDArray x, NDArray context) {
    int count = 0;
    try (NDManager scope = x.getManager().newSubManager()) {
      NDArray h = Inputs.local(x, scope);
      context = Inputs.local(context, scope);
      Inputs.check(h, context, flow.dim(), flow.contextDim(), flow.device());
      for (Bijection layer : flow.layers()) {
        if (layer instanceof ActNorm actNorm) {
          actNorm.initializeFrom(h);
          count++;
        }
        h = layer.forward(h, context).value();
      }
    }
    return count;
  }

  @Override
  public Transformed forward(NDArray x, NDArray context) {
    NDArray s = Params.local(logScale, x.getManager());
    NDArray z = x.sub(shift.getArray()).mul(s.neg().exp());
    return new Transformed(z, LogDets.perRow(x, s.sum().neg()));
  }

  @Override
  public Transformed inverse(NDArray z, NDArray context) {
    NDArray s = Params.local(logScale, z.getManager());
    NDArray x = z.mul(s.exp()).add(shift.getArray());
    return new Transformed(x, LogDets.perRow(z, s.sum()));
  }
}
