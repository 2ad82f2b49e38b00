package org.cnflows.flows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.cnflows.flows.internal.PresetBlock;

/**
 * An invertible map x -> z of R^D, optionally conditioned on a context vector, with the log
 * absolute determinant of its Jacobian for each row.
 *
 * <p>{@link #forward(NDArray, NDArray)} is the normalizing direction (data to latent) and returns
 * log |det dz/dx|; {@link #inverse(NDArray, NDArray)} is the generative direction and returns log
 * |det dx/dz| = -log |det dz/dx| at the same point. Layers are DJL blocks, so their parameters,
 * initialization and devices come from DJL. As a DJL block the input is {@code [x]} or {@code [x,
 * context]} and the output {@code [z, logDet]}.
 *
 * <p>Inputs are assumed valid (shape and finiteness are checked once by {@link Flow}); instances
 * are not thread-safe during training.
 */
public abstract class Bijection extends PresetBlock {

  private final int dim;
  private final int contextDim;

  /**
   * @param dim D, the number of features
   * @param contextDim the width of the context vector, 0 for none
   */
  protected Bijection(int dim, int contextDim) {
    if (dim < 1) {
      throw new IllegalArgumentException("dim = " + dim + " must be at least 1");
    }
    if (contextDim < 0) {
      throw new IllegalArgumentException("contextDim = " + contextDim + " must be >= 0");
    }
    this.dim = dim;
    this.contextDim = contextDim;
  }

  /** D, the number of features. */
  public final int dim() {
    return dim;
  }

  /** The width of the context vector, 0 for an unconditional layer. */
  public final int contextDim() {
    return contextDim;
  }

  /**
   * Maps data to latent space.
   *
   * @param x the batch, shape (N, D)
   * @param context the context, shape (N, C), or null when {@link #contextDim()} is 0
   * @return z and log |det dz/dx| per row
   */
  public abstract Transformed forward(NDArray x, NDArray context);

  /**
   * Maps latent space to data.
   *
   * @param z the batch, shape (N, D)
   * @param context the context, shape (N, C), or null when {@link #contextDim()} is 0
   * @return x and log |det dx/dz| per row
   */
  public abstract Transformed inverse(NDArray z, NDArray context);

  @Override
  protected NDList forwardList(NDList inputs) {
    NDArray context = inputs.size() > 1 ? inputs.get(1) : null;
    Transformed t = forward(inputs.get(0), context);
    return new NDList(t.value(), t.logDet());
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0], new Shape(inputShapes[0].get(0))};
  }

  /** Initializes the parameters of this layer on the manager's device in float32. */
  public void initialize(ai.djl.ndarray.NDManager manager) {
    initialize(manager, DataType.FLOAT32, new Shape(1, dim));
  }
}
