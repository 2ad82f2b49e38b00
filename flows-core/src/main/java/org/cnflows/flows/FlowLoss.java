package org.cnflows.flows;

import org.cnflows.common.FeatureMatrix;

/**
 * A training objective for a {@link Flow}: maximum likelihood has one source; the contrastive loss
 * of flows-contrastive has two (signal and background). Every source must have the flow's width and
 * context width, values within {@link Flow#INPUT_LIMIT} and no constant feature.
 */
public interface FlowLoss extends Objective<Flow> {

  /**
   * Refuses a source of another width or context width, with a value beyond {@link
   * Flow#INPUT_LIMIT} (which the trained flow could not evaluate), or with a constant feature
   * ({@link #requireSpread}).
   */
  @Override
  default void checkSource(Flow flow, int source, FeatureMatrix d) {
    if (d.dim() != flow.dim() || d.contextDim() != flow.contextDim()) {
      throw new IllegalArgumentException(
          "source "
              + source
              + " has dim = "
              + d.dim()
              + ", contextDim = "
              + d.contextDim()
              + "; the flow has dim = "
              + flow.dim()
              + ", contextDim = "
              + flow.contextDim());
    }
    checkRange(source, "x", d.x(), d.dim());
    if (d.context() != null) {
      checkRange(source, "context", d.context(), d.contextDim());
    }
    requireSpread("source " + source, d);
  }

  /**
   * Throws unless every feature of {@code d} takes at least two values: a flow fitted to a constant
   * feature collapses onto it (its density grows without bound there), so such a column is to be
   * dropped.
   *
   * @param source the data's name in the message (e.g. "source 0", "signal")
   * @param d the data
   * @throws IllegalArgumentException if d has no rows, or naming the source, the feature, its
   *     column and its value
   */
  public static void requireSpread(String source, FeatureMatrix d) {
    float[] x = d.x();
    int dim = d.dim();
    for (int k = 0; k < dim; k++) {
      boolean constant = true;
      for (int i = k + dim; i < x.length && constant; i += dim) {
        constant = x[i] == x[k];
      }
      if (constant) {
        throw new IllegalArgumentException(
            source
                + ": feature '"
                + d.names().get(k)
                + "' (column "
                + k
                + ") is "
                + x[k]
                + " in all "
                + d.size()
                + (d.size() == 1 ? " row" : " rows")
                + "; a flow fitted to a constant collapses onto it: drop the column");
      }
    }
  }

  private static void checkRange(int source, String name, float[] values, int width) {
    for (int i = 0; i < values.length; i++) {
      if (Math.abs(values[i]) > Flow.INPUT_LIMIT) {
        throw Inputs.outsideRange(
            "source " + source + ": " + name + "[" + i / width + ", " + i % width + "] = "
                + values[i]);
      }
    }
  }
}
