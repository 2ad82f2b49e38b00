package org.cnflows.flows;

import org.cnflows.common.FeatureMatrix;

/**
 * A training objective for a {@link Flow}: maximum likelihood has one source; the contrastive loss
 * of flows-contrastive has two (signal and background). Every source must have the flow's width and
 * context width.
 */
public interface FlowLoss extends Objective<Flow> {

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
  }
}
