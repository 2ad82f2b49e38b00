package org.cnflows.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;
import org.cnflows.stats.internal.FiniteDifferences;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Bounded minimization of a {@link NegLogLikelihood}, then the covariance from the Hessian.
 *
 * <p>The minimizer is Powell's BOBYQA (M.J.D. Powell, "The BOBYQA algorithm for bound constrained
 * optimization without derivatives", Cambridge NA2009/06), as implemented in Commons Math. Why: it
 * honours box bounds natively (no transform that would distort the Hessian at the optimum), it
 * needs no gradient (template interpolation and per-event callbacks seldom have one) and it
 * converges in few evaluations for the handful of parameters of a likelihood fit. Each floating
 * parameter is scaled by {@link FiniteDifferences#scale} so that one trust region fits all. BOBYQA
 * needs two variables at least: a one-parameter fit adds a second one, u, with the separate term
 * u^2/2 (minimum at u = 0).
 *
 * <p>Covariance: V = H^-1 with H the finite-difference Hessian of the NLL at theta-hat (Eqs. 8.7,
 * 8.10 of Nocedal and Wright), in two passes: steps of 1e-3 scale, then of 0.1 sqrt(1/H_ii);
 * inverted by Cholesky (EJML). Thread-safe and immutable.
 *
 * <p>A fit that ends in {@link FitStatus#MAX_EVALUATIONS} or {@link FitStatus#MINIMIZER_FAILED}
 * reports the best point evaluated.
 *
 * @param maxEvaluations the evaluation budget of one minimization
 * @param stoppingRadius the final trust-region radius, in units of the parameter scales
 */
public record Fitter(int maxEvaluations, double stoppingRadius) {

  /** Validates positive settings. */
  public Fitter {
    if (maxEvaluations < 10) {
      throw new IllegalArgumentException("maxEvaluations = " + maxEvaluations + " below 10");
    }
    if (!(stoppingRadius > 0 && stoppingRadius < 0.1)) {
      throw new IllegalArgumentException(
          "stoppingRadius = " + stoppingRadius + " outside (0, 0.1)");
    }
  }

  /**
   * 20000 evaluations, stopping radius 1e-8 (Commons Math's BOBYQA can fail to reduce its model
   * below that when the minimum lies on a bound).
   */
  public static Fitter defaults() {
    return new Fitter(20000, 1e-8);
  }

  /**
   * Minimizes {@code nll} from the initial values of its parameters and computes the covariance.
   */
  public FitResult fit(NegLogLikelihood nll) {
    FitResult min = minimize(nll);
    if (min.status() != FitStatus.CONVERGED) {
      return min;
    }
    return withCovariance(nll, min);
  }

  /** Minimizes {@code nll} without computing the covariance (zero-filled), for profiles. */
  public FitResult minimize(NegLogLikelihood nll) {
    Parameters ps = nll.parameters();
    double[] x0 = ps.initialValues();
    int[] idx = ps.floatingIndices();
    int n = idx.length;
    double[][] zero = new double[ps.size()][ps.size()];
    if (n == 0) {
      double v = nll.value(x0);
      return new FitResult(ps, x0, v, zero, statusOf(v, FitStatus.CONVERGED), 1);
    }
    int dim = Math.max(n, 2);
    double[] scale = new double[n];
    double[] lo = new double[dim];
    double[] hi = new double[dim];
    double radius = 0.5;
    for (int a = 0; a < n; a++) {
      Parameter p = ps.get(idx[a]);
      scale[a] = FiniteDifferences.scale(p);
      lo[a] = (p.lower() - x0[idx[a]]) / scale[a];
      hi[a] = (p.upper() - x0[idx[a]]) / scale[a];
      radius = Math.min(radius, 0.25 * (hi[a] - lo[a]));
    }
    if (n == 1) {
      lo[1] = -1;
      hi[1] = 1;
    }
    double[] bestSeen = x0.clone();
    double[] bestValue = {Double.POSITIVE_INFINITY};
    ObjectiveFunction objective =
        new ObjectiveFunction(
            u -> {
              double[] x = toPoint(u, x0, idx, scale, ps);
              double v = nll.value(x);
              if (v < bestValue[0]) {
                bestValue[0] = v;
                System.arraycopy(x, 0, bestSeen, 0, x.length);
              }
              return v + (n == 1 ? 0.5 * u[1] * u[1] : 0);
            });
    BOBYQAOptimizer bobyqa =
        new BOBYQAOptimizer(2 * dim + 1, radius, Math.min(stoppingRadius, radius / 10));
    try {
      PointValuePair best =
          bobyqa.optimize(
              objective,
              GoalType.MINIMIZE,
              new InitialGuess(new double[dim]),
              new SimpleBounds(lo, hi),
              new MaxEval(maxEvaluations));
      double[] x = toPoint(best.getPoint(), x0, idx, scale, ps);
      double v = nll.value(x);
      return new FitResult(
          ps, x, v, zero, statusOf(v, FitStatus.CONVERGED), bobyqa.getEvaluations());
    } catch (TooManyEvaluationsException e) {
      return new FitResult(
          ps, bestSeen, bestValue[0], zero, FitStatus.MAX_EVALUATIONS, maxEvaluations);
    } catch (MathIllegalStateException e) {
      return new FitResult(
          ps, bestSeen, bestValue[0], zero, FitStatus.MINIMIZER_FAILED, bobyqa.getEvaluations());
    }
  }

  /**
   * The impact of each floating parameter other than {@code poi} on {@code poi}: refits with it
   * fixed at theta-hat +- sigma (post-fit, clamped into its bounds), starting from {@code best}.
   *
   * @param nll the likelihood that produced {@code best}
   * @param best a valid fit of {@code nll}
   * @param poi the parameter of interest
   */
  public List<Impact> impacts(NegLogLikelihood nll, FitResult best, String poi) {
    if (!best.status().isValid()) {
      throw new IllegalArgumentException("impacts need a valid fit, status = " + best.status());
    }
    double poiHat = best.value(poi);
    Parameters start = nll.parameters().withInitialValues(best.values());
    List<Impact> out = new ArrayList<>();
    for (int i : start.floatingIndices()) {
      Parameter p = start.get(i);
      if (p.name().equals(poi)) {
        continue;
      }
      double sigma = best.error(p.name());
      double[] shifted = new double[2];
      for (int s = 0; s < 2; s++) {
        double v =
            Math.min(Math.max(p.initial() + (s == 0 ? sigma : -sigma), p.lower()), p.upper());
        FitResult r = minimize(nll.withParameters(start.with(p.name(), q -> q.fixedAt(v))));
        shifted[s] = r.value(poi) - poiHat;
      }
      out.add(new Impact(p.name(), sigma, shifted[0], shifted[1]));
    }
    return out;
  }

  private static FitResult withCovariance(NegLogLikelihood nll, FitResult min) {
    Parameters ps = min.parameters();
    int[] idx = ps.floatingIndices();
    int n = idx.length;
    double[] h = new double[n];
    for (int a = 0; a < n; a++) {
      h[a] = 1e-3 * FiniteDifferences.scale(ps.get(idx[a]));
    }
    double[] x = min.values();
    double[][] hess = FiniteDifferences.hessian(nll::value, x, idx, h, ps);
    for (int a = 0; a < n; a++) {
      if (hess[a][a] > 0) {
        h[a] =
            Math.min(
                0.1 / Math.sqrt(hess[a][a]),
                0.25 * (ps.get(idx[a]).upper() - ps.get(idx[a]).lower()));
      }
    }
    hess = FiniteDifferences.hessian(nll::value, x, idx, h, ps);
    DMatrixRMaj hm = new DMatrixRMaj(hess);
    DMatrixRMaj inv = new DMatrixRMaj(n, n);
    LinearSolverDense<DMatrixRMaj> chol = LinearSolverFactory_DDRM.chol(n);
    double[][] cov = new double[ps.size()][ps.size()];
    FitStatus status = FitStatus.CONVERGED;
    if (chol.setA(hm)) {
      chol.invert(inv);
      for (int a = 0; a < n; a++) {
        for (int b = 0; b < n; b++) {
          cov[idx[a]][idx[b]] = inv.get(a, b);
        }
      }
    } else {
      status = FitStatus.HESSIAN_NOT_POSITIVE_DEFINITE;
      for (double[] row : cov) {
        Arrays.fill(row, Double.NaN);
      }
    }
    return new FitResult(ps, x, min.nll(), cov, status, min.evaluations());
  }

  private static FitStatus statusOf(double v, FitStatus ok) {
    return Double.isFinite(v) ? ok : FitStatus.NON_FINITE_NLL;
  }

  private static double[] toPoint(
      double[] u, double[] x0, int[] idx, double[] scale, Parameters ps) {
    double[] x = x0.clone();
    for (int a = 0; a < idx.length; a++) {
      Parameter p = ps.get(idx[a]);
      x[idx[a]] = Math.min(Math.max(x0[idx[a]] + u[a] * scale[a], p.lower()), p.upper());
    }
    return x;
  }
}
