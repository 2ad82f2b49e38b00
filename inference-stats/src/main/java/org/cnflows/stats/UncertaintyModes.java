package org.cnflows.stats;

import java.util.List;

/**
 * The eigen decomposition of a covariance matrix C = sum_k lambda_k v_k v_k^T: independent
 * uncertainty modes, largest variance first. Mode k moves the parameters by +-sqrt(lambda_k) v_k.
 *
 * @param names the floating parameters, the order of the vector components
 * @param variances the eigenvalues lambda_k, descending
 * @param directions unit eigenvectors, {@code directions[k]} belongs to {@code variances[k]}
 */
public record UncertaintyModes(List<String> names, double[] variances, double[][] directions) {

  /** Copies the arrays. */
  public UncertaintyModes {
    names = List.copyOf(names);
    variances = variances.clone();
    directions = deepCopy(directions);
  }

  @Override
  public double[] variances() {
    return variances.clone();
  }

  @Override
  public double[][] directions() {
    return deepCopy(directions);
  }

  static double[][] deepCopy(double[][] m) {
    double[][] c = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      c[i] = m[i].clone();
    }
    return c;
  }
}
