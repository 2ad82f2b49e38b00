package org.cnflows.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.PowellOptimizer;
import org.cnflows.stats.internal.FiniteDifferences;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Bounded minimization of a {@link NegLogLikelihood}, then the covariance from the Hessian.
 *
 * <p>The minimizer is Powell's conjugate-direction method (M.J.D. Powell, Comput. J. 7 (1964) 155;
 * Commons Math {@code PowellOptimizer}) on internal, unbounded variables u given by the MINUIT
 * transforms (F. James, MINUIT Reference Manual, CERN D506, Sec. 1.3.1): x = lo + (hi - lo)(sin u +
 * 1)/2 for two bounds, x = lo - 1 + sqrt(u^2 + 1) (or hi + 1 - sqrt(u^2 + 1)) for one. Why: it
 * needs no gradient (template interpolation and per-event callbacks seldom have one), its Brent
 * line searches converge tightly, and the transform reaches a minimum on a bound (mu = 0) exactly.
 * Commons Math's BOBYQA was tried first and rejected: it stopped far from the minimum of a smooth
 * one-parameter Poisson likelihood. The covariance is computed in the external variables, so the
 * transform does not distort it.
 *
 * <p>Covariance: V = H^-1 with H the finite-difference Hessian of the NLL at theta-hat (Eqs. 8.7,
 * 8.10 of Nocedal and Wright), in two passes: steps of 1e-3 scale, then of 0.01 sqrt(1/H_ii);
 * inverted by Cholesky (EJML). Thread-safe and immutable.
 *
 * <p>Where the NLL is not finite (e.g. a mixture density below zero) the minimizer sees 1e30
 * instead. A fit that ends in {@link FitStatus#MAX_EVALUATIONS} or {@link
 * FitStatus#MINIMIZER_FAILED} reports the best point evaluated. A status never claims what the
 * numbers deny: {@link FitStatus#CONVERGED} comes with a finite, positive variance for every
 * floating parameter; a NaN in the Hessian's stencil gives {@link FitStatus#NON_FINITE_HESSIAN}, a
 * curvature the fit cannot resolve (second difference within the tolerance) {@link
 * FitStatus#ZERO_CURVATURE}, and both leave the covariance NaN.
 *
 * @param maxEvaluations the evaluation budget of one minimization
 * @param tolerance the absolute change of the NLL below which the minimization stops
 */
public record Fitter(int maxEvaluations, double tolerance) {

  /**
   * What the minimizer sees where the NLL is NaN or infinite, so that line searches stay finite.
   */
  private static final double NON_FINITE_PENALTY = 1e30;

  /** Validates positive settings. */
  public Fitter {
    if (maxEvaluations < 10) {
      throw new IllegalArgumentException("maxEvaluations = " + maxEvaluations + " below 10");
    }
    if (!(tolerance > 0 && tolerance < 1)) {
      throw new IllegalArgumentException("tolerance = " + tolerance + " outside (0, 1)");
    }
  }

  /** 20000 evaluations, tolerance 1e-12. */
  public static Fitter defaults() {
    return new Fitter(20000, 1e-12);
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
    double[][] zero = new double[ps.size()][ps.size()];
    if (idx.length == 0) {
      double v = nll.value(x0);
      return new FitResult(ps, x0, v, zero, statusOf(v), 1);
    }
    double[] u0 = new double[idx.length];
    for (int a = 0; a < idx.length; a++) {
      u0[a] = toInternal(ps.get(idx[a]), x0[idx[a]]);
    }
    double[] bestSeen = x0.clone();
    double[] bestValue = {Double.POSITIVE_INFINITY};
    ObjectiveFunction objective =
        new ObjectiveFunction(
            u -> {
              double[] x = toPoint(u, x0, idx, ps);
              double v = nll.value(x);
              if (!(v < NON_FINITE_PENALTY)) {
                return NON_FINITE_PENALTY;
              }
              if (v < bestValue[0]) {
                bestValue[0] = v;
                System.arraycopy(x, 0, bestSeen, 0, x.length);
              }
              return v;
            });
    PowellOptimizer powell = new PowellOptimizer(1e-14, tolerance);
    try {
      PointValuePair best =
          powell.optimize(
              objective, GoalType.MINIMIZE, new InitialGuess(u0), new MaxEval(maxEvaluations));
      double[] x = toPoint(best.getPoint(), x0, idx, ps);
      double v = nll.value(x);
      return new FitResult(ps, x, v, zero, statusOf(v), powell.getEvaluations());
    } catch (TooManyEvaluationsException e) {
      FitStatus status =
          Double.isFinite(bestValue[0]) ? FitStatus.MAX_EVALUATIONS : FitStatus.NON_FINITE_NLL;
      return new FitResult(ps, bestSeen, bestValue[0], zero, status, maxEvaluations);
    } catch (MathIllegalStateException e) {
      return new FitResult(
          ps, bestSeen, bestValue[0], zero, FitStatus.MINIMIZER_FAILED, powell.getEvaluations());
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

  private FitResult withCovariance(NegLogLikelihood nll, FitResult min) {
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
                0.01 / Math.sqrt(hess[a][a]),
                0.25 * (ps.get(idx[a]).upper() - ps.get(idx[a]).lower()));
      }
    }
    return covarianceFrom(nll, min, h);
  }

  /**
   * The covariance of a minimum {@code min} of {@code nll} from the finite-difference Hessian with
   * the given steps (one per floating parameter, in the order of {@link
   * Parameters#floatingIndices()}), for a likelihood whose evaluation carries rounding noise (e.g.
   * float32 per-event densities summed over 1e5 events, noise about 1e-4): steps of a sizeable
   * fraction of the expected error keep the second differences (about 0.5 (h / sigma)^2) far above
   * the noise, where the default steps of 0.01 sigma would drown in it. Statuses as {@link #fit}.
   *
   * @throws IllegalArgumentException if a step is not positive or their number is wrong
   */
  public FitResult covarianceWithSteps(NegLogLikelihood nll, FitResult min, double[] steps) {
    int[] idx = min.parameters().floatingIndices();
    if (steps.length != idx.length) {
      throw new IllegalArgumentException(
          steps.length + " steps for " + idx.length + " floating parameters");
    }
    for (double v : steps) {
      if (!(v > 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException("step = " + v + " must be finite and > 0");
      }
    }
    return covarianceFrom(nll, min, steps.clone());
  }

  /**
   * One Newton step theta = theta0 - V g from {@code start}, with V the inverse finite-difference
   * Hessian at theta0 ({@link #covarianceWithSteps}) and g the central-difference gradient, both
   * with the given steps (2 n^2 + 2 n + 2 evaluations for n floating parameters). For an NLL that
   * is quadratic within a few steps of its minimum (a large data set) and a start near it (e.g. a
   * gradient-descent fit), this lands on the minimum at a small fraction of a minimizer's cost; the
   * result carries V (computed at the start) and the NLL at the new point, clamped into the bounds.
   * Statuses as {@link #fit}; a failed Hessian returns the start.
   */
  public FitResult newtonStep(NegLogLikelihood nll, double[] start, double[] steps) {
    return newtonStep(nll, start, steps, null);
  }

  /**
   * {@link #newtonStep(NegLogLikelihood, double[], double[])} with a given covariance V (e.g. of
   * the same likelihood on the original data, for bootstrap members) instead of the Hessian at the
   * start: 2 n + 2 evaluations.
   *
   * @param covariance V in the parameters' order (n x n over all parameters), or null to compute it
   */
  public FitResult newtonStep(
      NegLogLikelihood nll, double[] start, double[] steps, double[][] covariance) {
    Parameters ps = nll.parameters();
    ps.checkInside(start);
    int[] idx = ps.floatingIndices();
    if (covariance != null) {
      FitResult given =
          new FitResult(ps, start, nll.value(start), covariance, FitStatus.CONVERGED, 1);
      return step(nll, given, steps, 2 * idx.length + 2);
    }
    FitResult at =
        covarianceWithSteps(
            nll,
            new FitResult(
                ps,
                start,
                nll.value(start),
                new double[ps.size()][ps.size()],
                FitStatus.CONVERGED,
                1),
            steps);
    if (!at.status().isValid()) {
      return at;
    }
    return step(nll, at, steps, 2 * idx.length * idx.length + 2 * idx.length + 2);
  }

  /** theta0 - V g from a result holding theta0 and V. */
  private FitResult step(NegLogLikelihood nll, FitResult at, double[] steps, int evaluations) {
    Parameters ps = at.parameters();
    int[] idx = ps.floatingIndices();
    double[] x = at.values();
    double[] gradient = new double[idx.length];
    for (int a = 0; a < idx.length; a++) {
      double[] up = x.clone();
      double[] down = x.clone();
      up[idx[a]] = Math.min(x[idx[a]] + steps[a], ps.get(idx[a]).upper());
      down[idx[a]] = Math.max(x[idx[a]] - steps[a], ps.get(idx[a]).lower());
      gradient[a] = (nll.value(up) - nll.value(down)) / (up[idx[a]] - down[idx[a]]);
    }
    double[][] v = at.covariance();
    double[] next = x.clone();
    for (int a = 0; a < idx.length; a++) {
      double move = 0;
      for (int b = 0; b < idx.length; b++) {
        move -= v[idx[a]][idx[b]] * gradient[b];
      }
      Parameter p = ps.get(idx[a]);
      next[idx[a]] = Math.min(Math.max(x[idx[a]] + move, p.lower()), p.upper());
    }
    double value = nll.value(next);
    return new FitResult(ps, next, value, v, statusOf(value), evaluations);
  }

  private FitResult covarianceFrom(NegLogLikelihood nll, FitResult min, double[] h) {
    Parameters ps = min.parameters();
    int[] idx = ps.floatingIndices();
    int n = idx.length;
    double[] x = min.values();
    double[][] hess = FiniteDifferences.hessian(nll::value, x, idx, h, ps);
    FitStatus status = curvatureStatus(hess, h, min.nll());
    double[][] cov = new double[ps.size()][ps.size()];
    if (status == FitStatus.CONVERGED) {
      DMatrixRMaj inv = new DMatrixRMaj(n, n);
      LinearSolverDense<DMatrixRMaj> chol = LinearSolverFactory_DDRM.chol(n);
      if (chol.setA(new DMatrixRMaj(hess))) {
        chol.invert(inv);
        for (int a = 0; a < n; a++) {
          for (int b = 0; b < n; b++) {
            cov[idx[a]][idx[b]] = inv.get(a, b);
          }
        }
        for (int a = 0; a < n; a++) {
          double v = cov[idx[a]][idx[a]];
          if (!(v > 0 && v < Double.POSITIVE_INFINITY)) {
            status = FitStatus.HESSIAN_NOT_POSITIVE_DEFINITE;
          }
        }
      } else {
        status = FitStatus.HESSIAN_NOT_POSITIVE_DEFINITE;
      }
    }
    if (status != FitStatus.CONVERGED) {
      for (double[] row : cov) {
        Arrays.fill(row, Double.NaN);
      }
    }
    return new FitResult(ps, x, min.nll(), cov, status, min.evaluations());
  }

  /**
   * {@link FitStatus#NON_FINITE_HESSIAN} if an entry of the finite-difference Hessian is not
   * finite; {@link FitStatus#ZERO_CURVATURE} if a diagonal second difference H_aa h_a^2 does not
   * exceed in size the tolerance or 64 ulps of the NLL at the minimum (what the fit cannot
   * resolve); else {@link FitStatus#CONVERGED} (definiteness is the Cholesky's to judge).
   */
  private FitStatus curvatureStatus(double[][] hess, double[] h, double nllAtMinimum) {
    for (double[] row : hess) {
      for (double v : row) {
        if (!Double.isFinite(v)) {
          return FitStatus.NON_FINITE_HESSIAN;
        }
      }
    }
    double resolvable = Math.max(tolerance, 64 * Math.ulp(Math.abs(nllAtMinimum)));
    for (int a = 0; a < h.length; a++) {
      double secondDifference = hess[a][a] * h[a] * h[a];
      if (Math.abs(secondDifference) <= resolvable) {
        return FitStatus.ZERO_CURVATURE;
      }
    }
    return FitStatus.CONVERGED;
  }

  private static FitStatus statusOf(double v) {
    return Double.isFinite(v) ? FitStatus.CONVERGED : FitStatus.NON_FINITE_NLL;
  }

  private static double[] toPoint(double[] u, double[] x0, int[] idx, Parameters ps) {
    double[] x = x0.clone();
    for (int a = 0; a < idx.length; a++) {
      x[idx[a]] = toExternal(ps.get(idx[a]), u[a]);
    }
    return x;
  }

  /** The MINUIT transform from the unbounded internal u to the bounded x. */
  private static double toExternal(Parameter p, double u) {
    double lo = p.lower();
    double hi = p.upper();
    double x;
    if (Double.isFinite(lo) && Double.isFinite(hi)) {
      x = lo + (hi - lo) * (Math.sin(u) + 1) / 2;
    } else if (Double.isFinite(lo)) {
      x = lo - 1 + Math.sqrt(u * u + 1);
    } else if (Double.isFinite(hi)) {
      x = hi + 1 - Math.sqrt(u * u + 1);
    } else {
      x = p.initial() + FiniteDifferences.scale(p) * u;
    }
    return Math.min(Math.max(x, lo), hi);
  }

  /** The inverse of {@link #toExternal}. */
  private static double toInternal(Parameter p, double x) {
    double lo = p.lower();
    double hi = p.upper();
    if (Double.isFinite(lo) && Double.isFinite(hi)) {
      return Math.asin(Math.min(1, Math.max(-1, 2 * (x - lo) / (hi - lo) - 1)));
    } else if (Double.isFinite(lo)) {
      return Math.sqrt((x - lo + 1) * (x - lo + 1) - 1);
    } else if (Double.isFinite(hi)) {
      return Math.sqrt((hi - x + 1) * (hi - x + 1) - 1);
    }
    return 0;
  }
}
