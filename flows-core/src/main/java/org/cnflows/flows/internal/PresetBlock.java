package org.cnflows.flows.internal;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A DJL block whose parameter shapes are fixed at construction, so that initialization needs no
 * input shapes; its children are initialized the same way. Subclasses compute with typed methods
 * and expose them to DJL's {@code Block.forward} through {@link #forwardList}.
 */
public abstract class PresetBlock extends AbstractBlock {

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (Block child : children.values()) {
      child.initialize(manager, dataType, inputShapes);
    }
  }

  @Override
  protected final NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    return forwardList(inputs);
  }

  /**
   * The block's computation in DJL's list convention.
   *
   * @param inputs the block's inputs, in the order its typed method takes them
   * @return its outputs
   */
  protected abstract NDList forwardList(NDList inputs);
}
