package org.cnflows.stats.coverage;

import org.cnflows.stats.internal.Checks;

/**
 * The overlap of two likelihoods on a common grid (Sluijter's thesis, Sec. 3.3.3, Eqs. 3.2-3.4):
 * p_norm(theta) = e^-NLL(theta) / sum_grid e^-NLL, overlap = 1 - 1/2 sum_grid |p_norm,model -
 * p_norm,true|. 1 for identical likelihoods, 0 for disjoint ones. The grid may have any dimension,
 * flattened in the same order for both.
 */
public final class Overlap {

  private Overlap() {}

  /** The overlap of two NLLs (each up to its own constant) on the same flattened grid. */
  public static double of(double[] nllModel, double[] nllTrue) {
    Checks.finiteArray("nllModel", nllModel);
    Checks.finiteArray("nllTrue", nllTrue);
    if (nllModel.length != nllTrue.length) {
      throw new IllegalArgumentException(
          "grids differ: " + nllModel.length + " and " + nllTrue.length + " points");
    }
    double[] p = normalized(nllModel);
    double[] q = normalized(nllTrue);
    double d = 0;
    for (int i = 0; i < p.length; i++) {
      d += Math.abs(p[i] - q[i]);
    }
    return 1 - 0.5 * d;
  }

  /** The overlap of two 2-D grids of NLL values (same shape). */
  public static double of(double[][] nllModel, double[][] nllTrue) {
    return of(flatten(nllModel), flatten(nllTrue));
  }

  private static double[] flatten(double[][] g) {
    return java.util.Arrays.stream(g).flatMapToDouble(java.util.Arrays::stream).toArray();
  }

  private static double[] normalized(double[] nll) {
    double min = Double.POSITIVE_INFINITY;
    for (double v : nll) {
      min = Math.min(min, v);
    }
    double[] p = new double[nll.length];
    double sum = 0;
    for (int i = 0; i < nll.length; i++) {
      p[i] = Math.exp(min - nll[i]);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= sum;
    }
    return p;
  }
}
