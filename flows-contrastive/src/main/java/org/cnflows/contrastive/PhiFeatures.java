package org.cnflows.contrastive;

import java.util.ArrayList;
import java.util.List;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.flows.BatchEvaluator;
import org.cnflows.flows.EventFunction;
import org.cnflows.flows.Flow;

/**
 * The discrimination functions of Elsharkawy and Kahn 2025, Sec. 3 and 6.2: for each CNF of a
 * {@link CnfSet} with density p (in the units of the events), Phi(x) = p(x) / (1 + p(x)), computed
 * stably from log p as the logistic sigmoid 1 / (1 + exp(-log p)). The columns are appended to the
 * event features for a downstream classifier (Sec. 6.2, step 3) or handed to inference-stats as
 * plain per-event arrays.
 *
 * <p>Events are {@link FeatureMatrix} rows of D features; they are evaluated in chunks on the
 * flows' device by one {@link BatchEvaluator}. Thread-safe when the set is not being trained.
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
   * Jacobian included). The events are standardized once on the host and all CNFs are evaluated on
   * each uploaded chunk ({@link BatchEvaluator}).
   *
   * @param x events of {@link CnfSet#dim()} features
   * @return one column of N values per CNF
   * @throws IllegalArgumentException if the width does not match the CNFs, or naming the first
   *     event and feature that lies more than {@link Flow#INPUT_LIMIT} standard deviations from the
   *     training mean (its log-density would overflow float32)
   */
  public double[][] logDensities(FeatureMatrix x) {
    checkEvents(x);
    List<EventFunction> functions = new ArrayList<>();
    for (CnfSet.Member m : set.members()) {
      functions.add(EventFunction.logProb(m.flow()));
    }
    double[][] columns =
        new BatchEvaluator(set.members().get(0).flow().device(), batchSize)
            .evaluateToDouble(set.standardization().apply(x.withoutContext()), functions);
    double jacobian = set.standardization().logJacobian();
    for (double[] column : columns) {
      for (int i = 0; i < column.length; i++) {
        column[i] += jacobian;
      }
    }
    return columns;
  }

  /** Phi of every CNF for every event: one column of N values per CNF. */
  public double[][] phi(FeatureMatrix x) {
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
   * The events with the Phi columns appended after their features, named as {@link #names()}
   * (weights, labels and categories kept).
   */
  public FeatureMatrix append(FeatureMatrix x) {
    return append(x, phi(x));
  }

  /**
   * The events with Phi columns already computed by {@link #phi} or {@link #phiOf} appended, so
   * that a caller who also needs the log-densities evaluates the CNFs once.
   *
   * @throws IllegalArgumentException if the columns do not match the set or the events
   */
  public FeatureMatrix append(FeatureMatrix x, double[][] phi) {
    checkEvents(x);
    int n = x.size();
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
    float[] rows = new float[n * phi.length];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < phi.length; k++) {
        rows[i * phi.length + k] = (float) phi[k][i];
      }
    }
    return x.withColumns(names(), rows);
  }

  private void checkEvents(FeatureMatrix x) {
    if (x.dim() != set.dim()) {
      throw new IllegalArgumentException(
          "events have "
              + x.dim()
              + " features, not the "
              + set.dim()
              + " features the CNFs were trained on");
    }
    double[] mean = set.standardization().mean();
    double[] sd = set.standardization().sd();
    float[] values = x.x();
    int dim = x.dim();
    for (int i = 0; i < values.length; i++) {
      double u = (values[i] - mean[i % dim]) / sd[i % dim];
      if (Math.abs(u) > Flow.INPUT_LIMIT) {
        throw new IllegalArgumentException(
            "event "
                + i / dim
                + ": feature '"
                + x.names().get(i % dim)
                + "' = "
                + values[i]
                + " lies "
                + (float) u
                + " standard deviations from the CNFs' training mean, beyond the range of flow"
                + " inputs (Flow.INPUT_LIMIT = "
                + Flow.INPUT_LIMIT
                + ")");
      }
    }
  }
}
