package org.cnflows.flows;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The negative log-likelihood, L = -sum_i w_i log p(x_i | c_i) / sum_i w_i (unit weights: the mean
 * NLL), whose minimizer is the maximum-likelihood flow (Papamakarios et al. 2021, Eq. 13).
 */
public final class MaximumLikelihood implements FlowLoss {

  @Override
  public int sources() {
    return 1;
  }

  @Override
  public NDArray compute(Flow flow, List<Batch> batches) {
    Batch b = batches.get(0);
    return b.weightedMean(flow.logProbTrusted(b.x(), b.context())).neg();
  }
}
