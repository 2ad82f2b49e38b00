package org.cnflows.flows;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.cnflows.common.FeatureMatrix;

/**
 * A training objective for {@link Trainer}: a scalar computed from one batch of each of its data
 * sources. Maximum likelihood has one source; the contrastive loss and the parameterized
 * classifier's loss have two. Implementations must not read values back to the host.
 *
 * @param <M> the model type
 */
public interface Objective<M extends Trainable> {

  /** The number of data sources the objective takes a batch from. */
  int sources();

  /**
   * The loss of one step.
   *
   * @param model the model being trained
   * @param batches one batch per source, in the order the sources were given
   * @return a scalar
   */
  NDArray compute(M model, List<Batch> batches);

  /**
   * Throws an {@link IllegalArgumentException} naming the source if a source does not fit the model
   * or the objective (its width, context, labels); called once before training. The default accepts
   * everything.
   */
  default void checkSource(M model, int source, FeatureMatrix data) {}
}
