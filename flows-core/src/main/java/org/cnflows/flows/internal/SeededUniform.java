package org.cnflows.flows.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.util.SplittableRandom;

/**
 * U(-scale, scale) drawn on the host from a seeded generator, so that a flow built with the same
 * seed has the same parameters on every engine and device. {@code scale = 0} gives zeros.
 */
public final class SeededUniform implements Initializer {

  private final double scale;
  private final long seed;

  /**
   * @param scale half-width of the interval, >= 0
   * @param seed the generator's seed
   */
  public SeededUniform(double scale, long seed) {
    if (!(scale >= 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("scale = " + scale + " must be finite and >= 0");
    }
    this.scale = scale;
    this.seed = seed;
  }

  @Override
  public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
    float[] values = new float[Math.toIntExact(shape.size())];
    if (scale > 0) {
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) ((2 * random.nextDouble() - 1) * scale);
      }
    }
    return manager.create(values, shape).toType(dataType, false);
  }
}
