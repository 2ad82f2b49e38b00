package org.cnflows.flows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.cnflows.common.Standardization;

/**
 * One per-event value of a model, computed on the device from a batch of events that {@link
 * BatchEvaluator} validated and uploaded: a flow's log-density, a classifier's logit, a conditional
 * flow at one fixed context. Implementations must not read values back to the host.
 */
@FunctionalInterface
public interface EventFunction {

  /**
   * The value of each row of the batch.
   *
   * @param batch features (B, D), and the context and categories of the rows if the events have
   *     them
   * @return shape (B)
   */
  NDArray apply(Batch batch);

  /** The log-density of an unconditional flow, or of a conditional one at the batch's context. */
  static EventFunction logProb(Flow flow) {
    return b -> flow.logProbTrusted(b.x(), b.context());
  }

  /** The log-density of a conditional flow with every row's context set to {@code context}. */
  static EventFunction logProbAt(Flow flow, float[] context) {
    if (context.length != flow.contextDim()) {
      throw new IllegalArgumentException(
          "context has " + context.length + " values, the flow takes " + flow.contextDim());
    }
    return b -> {
      NDManager m = b.x().getManager();
      long rows = b.x().getShape().get(0);
      NDArray c = m.create(context, new Shape(1, context.length)).repeat(0, rows);
      return flow.logProbTrusted(b.x(), c);
    };
  }

  /** This function applied to the batch's features after (x - mean) / sd, on the device. */
  default EventFunction standardized(Standardization s) {
    float[] mean = new float[s.dim()];
    float[] inverseSd = new float[s.dim()];
    for (int d = 0; d < mean.length; d++) {
      mean[d] = (float) s.mean()[d];
      inverseSd[d] = (float) (1 / s.sd()[d]);
    }
    return b -> {
      NDManager m = b.x().getManager();
      NDArray u = b.x().sub(m.create(mean)).mul(m.create(inverseSd));
      return apply(new Batch(u, b.context(), b.weights(), b.labels(), b.categories()));
    };
  }
}
