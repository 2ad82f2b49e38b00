package org.cnflows.contrastive;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.cnflows.flows.Flow;

/**
 * The discrimination functions of Elsharkawy and Kahn 2025, Sec. 3 and 6.2: for each CNF of a
 * {@link CnfSet} with density p (in the units of the events), Phi(x) = p(x) / (1 + p(x)), computed
 * stably from log p as the logistic sigmoid 1 / (1 + exp(-log p)). The columns are appended to the
 * event features for a downstream classifier (Sec. 6.2, step 3) or handed to inference-stats as
 * plain per-event arrays.
 *
 * <p>Events are host arrays of D features per row (row-major); they are evaluated in batches on
 * each flow's device. Thread-safe when the set is not being trained.
 */
public final class PhiFeatures {

  private final CnfSet set;
  private final int batchSize;

  /**
   * @param set the CNFs
   * @param batchSize events per native evaluation, >= 1
   */
  public PhiFeatures(CnfSet set, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize = " + batchSize + " must be at least 1");
    }
    this.set = set;
    this.batchSize = batchSize;
  }

  /** Phi = p / (1 + p) from log p, without overflow for any finite or infinite log p. */
  public static double phi(double logDensity) {
    return logDensity >= 0
        ? 1 / (1 + Math.exp(-logDensity))
        : Math.exp(logDensity) / (1 + Math.exp(logDensity));
  }

  /** The names of the columns, one per CNF: "phi_" + member name. */
  public List<String> names() {
    List<String> names = new ArrayList<>();
    set.members().forEach(m -> names.add("phi_" + m.name()));
    return names;
  }

  /**
   * log p(x) of every CNF for every event, in the units of the events (the standardization's
   * Jacobian included).
   *
   * @param x row-major events of {@link CnfSet#dim()} features
   * @return one column of N values per CNF
   * @throws IllegalArgumentException if the width does not match the CNFs or a value is not finite
   */
  public double[][] logDensities(float[] x) {
    int n = checkEvents(x);
    float[] u = set.standardization().apply(x);
    double jacobian = set.standardization().logJacobian();
    int dim = set.dim();
    double[][] columns = new double[set.members().size()][n];
    for (int k = 0; k < columns.length; k++) {
      Flow flow = set.members().get(k).flow();
      for (int start = 0; start < n; start += batchSize) {
        int rows = Math.min(batchSize, n - start);
        float[] chunk = new float[rows * dim];
        System.arraycopy(u, start * dim, chunk, 0, chunk.length);
        try (NDManager m = NDManager.newBaseManager(flow.device())) {
          float[] logp = flow.logProb(m.create(chunk, new Shape(rows, dim)), null).toFloatArray();
          for (int i = 0; i < rows; i++) {
            columns[k][start + i] = logp[i] + jacobian;
          }
        }
      }
    }
    return columns;
  }

  /** Phi of every CNF for every event: one column of N values per CNF. */
  public double[][] phi(float[] x) {
    return phiOf(logDensities(x));
  }

  /** Phi = sigmoid(log p) of columns of {@link #logDensities}, as new columns. */
  public static double[][] phiOf(double[][] logDensities) {
    double[][] columns = new double[logDensities.length][];
    for (int k = 0; k < columns.length; k++) {
      columns[k] = new double[logDensities[k].length];
      for (int i = 0; i < columns[k].length; i++) {
        columns[k][i] = phi(logDensities[k][i]);
      }
    }
    return columns;
  }

  /**
   * The events with the Phi columns appended: rows of D + K features (K CNFs), row-major, in the
   * order of {@link #names()}.
   */
  public float[] append(float[] x) {
    return append(x, phi(x));
  }

  /**
   * The events with Phi columns already computed by {@link #phi} or {@link #phiOf} appended, so
   * that a caller who also needs the log-densities evaluates the CNFs once.
   *
   * @throws IllegalArgumentException if the columns do not match the set or the events
   */
  public float[] append(float[] x, double[][] phi) {
    int n = checkEvents(x);
    int dim = set.dim();
    if (phi.length != set.members().size()) {
      throw new IllegalArgumentException(
          phi.length + " Phi columns for a set of " + set.members().size() + " CNFs");
    }
    for (int k = 0; k < phi.length; k++) {
      if (phi[k].length != n) {
        throw new IllegalArgumentException(
            "Phi column " + k + " has " + phi[k].length + " values for " + n + " events");
      }
    }
    int width = dim + phi.length;
    float[] out = new float[n * width];
    for (int i = 0; i < n; i++) {
      System.arraycopy(x, i * dim, out, i * width, dim);
      for (int k = 0; k < phi.length; k++) {
        out[i * width + dim + k] = (float) phi[k][i];
      }
    }
    return out;
  }

  private int checkEvents(float[] x) {
    if (x != null && x.length % set.dim() != 0) {
      throw new IllegalArgumentException(
          "events have "
              + x.length
              + " values, not rows of the "
              + set.dim()
              + " features the CNFs were trained on");
    }
    return Events.checkWidth(x, set.dim());
  }
}
