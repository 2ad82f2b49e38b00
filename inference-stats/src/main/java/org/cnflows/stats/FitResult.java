package org.cnflows.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The outcome of a {@link Fitter}: best values theta-hat, NLL(theta-hat), the covariance V = H^-1
 * (inverse Hessian of the NLL at the minimum, Cramer-Rao / Wald approximation; rows and columns of
 * fixed parameters are zero) and a {@link FitStatus}. When the status is not valid the covariance
 * holds NaN. Immutable.
 *
 * @param parameters the parameters fitted (their fixing as during the fit)
 * @param values theta-hat in the order of {@code parameters}
 * @param nll the NLL at theta-hat
 * @param covariance V, n x n
 * @param status how the fit ended
 * @param evaluations likelihood evaluations spent by the minimizer
 */
public record FitResult(
    Parameters parameters,
    double[] values,
    double nll,
    double[][] covariance,
    FitStatus status,
    int evaluations) {

  /** Copies the arrays. */
  public FitResult {
    values = values.clone();
    covariance = UncertaintyModes.deepCopy(covariance);
  }

  @Override
  public double[] values() {
    return values.clone();
  }

  @Override
  public double[][] covariance() {
    return UncertaintyModes.deepCopy(covariance);
  }

  /** theta-hat of {@code name}. */
  public double value(String name) {
    return values[parameters.indexOf(name)];
  }

  /** The symmetric error sqrt(V_ii) of {@code name} (0 when fixed). */
  public double error(String name) {
    int i = parameters.indexOf(name);
    return Math.sqrt(covariance[i][i]);
  }

  /** The correlation matrix rho_ij = V_ij / sqrt(V_ii V_jj) (fixed parameters: 0, diagonal 1). */
  public double[][] correlations() {
    int n = values.length;
    double[][] r = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double d = Math.sqrt(covariance[i][i] * covariance[j][j]);
        r[i][j] = i == j ? 1.0 : d > 0 ? covariance[i][j] / d : 0.0;
      }
    }
    return r;
  }

  /** The eigen decomposition of the covariance of the floating parameters of a valid fit. */
  public UncertaintyModes uncertaintyModes() {
    if (!status.isValid()) {
      throw new IllegalArgumentException("no covariance: fit status = " + status);
    }
    int[] idx = parameters.floatingIndices();
    int n = idx.length;
    DMatrixRMaj v = new DMatrixRMaj(n, n);
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        v.set(a, b, covariance[idx[a]][idx[b]]);
      }
    }
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
    if (!eig.decompose(v)) {
      throw new IllegalStateException("eigen decomposition failed for covariance " + v);
    }
    Integer[] order = new Integer[n];
    for (int k = 0; k < n; k++) {
      order[k] = k;
    }
    Arrays.sort(
        order, (p, q) -> Double.compare(eig.getEigenvalue(q).real, eig.getEigenvalue(p).real));
    double[] lambda = new double[n];
    double[][] dirs = new double[n][];
    List<String> names = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      lambda[k] = eig.getEigenvalue(order[k]).real;
      dirs[k] = eig.getEigenVector(order[k]).getData().clone();
      names.add(parameters.get(idx[k]).name());
    }
    return new UncertaintyModes(names, lambda, dirs);
  }
}
