package org.cnflows.flows;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * A training objective for {@link FlowTrainer}: a scalar computed from one batch of each of its
 * data sources. Maximum likelihood has one source; the contrastive loss of flows-contrastive has
 * two (signal and background). Implementations must not read values back to the host.
 */
public interface FlowLoss {

  /** The number of data sources the loss takes a batch from. */
  int sources();

  /**
   * The loss of one step.
   *
   * @param flow the flow being trained
   * @param batches one batch per source, in the order the sources were given
   * @return a scalar
   */
  NDArray compute(Flow flow, List<Batch> batches);
}
