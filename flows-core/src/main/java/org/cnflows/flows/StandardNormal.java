package org.cnflows.flows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * The base density of a flow: the D-dimensional standard normal, log N(z; 0, I) = -|z|^2 / 2 - (D /
 * 2) log(2 pi). Sampling draws on the host from a seeded generator, so that a seed gives the same
 * sample on every engine and device.
 */
public final class StandardNormal {

  private final int dim;

  /**
   * @param dim D (>= 1)
   */
  public StandardNormal(int dim) {
    if (dim < 1) {
      throw new IllegalArgumentException("dim = " + dim + " must be at least 1");
    }
    this.dim = dim;
  }

  /** D. */
  public int dim() {
    return dim;
  }

  /** log N(z; 0, I) for each row of z (shape (N, D)). */
  public NDArray logProb(NDArray z) {
    return Scalars.times(z.square().sum(new int[] {1}), -0.5)
        .sub(Scalars.of(z, 0.5 * dim * Math.log(2 * Math.PI)));
  }

  /**
   * n draws of N(0, I) as an (n, D) float32 array.
   *
   * @param manager where the result lives (and its device)
   * @param n the number of draws, >= 0
   * @param seed the seed of the generator
   */
  public NDArray sample(NDManager manager, int n, long seed) {
    if (n < 0) {
      throw new IllegalArgumentException("n = " + n + " must be >= 0");
    }
    float[] values = new float[Math.multiplyExact(n, dim)];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < values.length; i += 2) {
      double u1 = 1 - random.nextDouble();
      double u2 = random.nextDouble();
      double r = Math.sqrt(-2 * Math.log(u1));
      values[i] = (float) (r * Math.cos(2 * Math.PI * u2));
      if (i + 1 < values.length) {
        values[i + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
      }
    }
    return manager.create(values, new Shape(n, dim));
  }
}
