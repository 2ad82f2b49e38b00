package org.cnflows.contrastive;

import java.util.SplittableRandom;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.stats.toys.BivariateGaussian;
import org.cnflows.stats.toys.ToyT1;

/** Draws of the inference-stats toy densities as the float rows that flows and classifiers take. */
final class ToyEvents {

  private ToyEvents() {}

  /** n draws of {@code density} from a generator seeded with {@code seed}, as float rows. */
  static float[][] rows(BivariateGaussian density, int n, long seed) {
    double[][] draws = density.sample(n, new SplittableRandom(seed));
    float[][] rows = new float[n][];
    for (int i = 0; i < n; i++) {
      rows[i] = new float[] {(float) draws[i][0], (float) draws[i][1]};
    }
    return rows;
  }

  /** n signal then n background draws, labelled 1 and 0. */
  static FeatureMatrix labelled(int n, long signalSeed, long backgroundSeed) {
    return FeatureMatrix.labelled(
        FeatureMatrix.of(rows(ToyT1.SIGNAL, n, signalSeed)),
        FeatureMatrix.of(rows(ToyT1.BACKGROUND, n, backgroundSeed)));
  }

  /** The same draws, row-major in one array. */
  static float[] flat(BivariateGaussian density, int n, long seed) {
    return ContrastiveLossTest.flat(rows(density, n, seed));
  }
}
