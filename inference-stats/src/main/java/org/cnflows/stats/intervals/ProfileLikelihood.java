package org.cnflows.stats.intervals;

import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.analysis.polynomials.PolynomialFunction;
import org.apache.commons.math3.analysis.solvers.BrentSolver;
import org.apache.commons.math3.fitting.PolynomialCurveFitter;
import org.apache.commons.math3.fitting.WeightedObservedPoints;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.univariate.BrentOptimizer;
import org.apache.commons.math3.optim.univariate.SearchInterval;
import org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction;
import org.cnflows.stats.FitResult;
import org.cnflows.stats.Fitter;
import org.cnflows.stats.NegLogLikelihood;
import org.cnflows.stats.Parameter;
import org.cnflows.stats.Parameters;
import org.cnflows.stats.internal.Checks;
import org.cnflows.stats.internal.FiniteDifferences;

/**
 * The profile likelihood ratio of Cowan et al., Eur. Phys. J. C 71 (2011) 1554, Eq. 7: Delta
 * NLL(theta) = -ln lambda(theta) = NLL(theta, nu-hat-hat(theta)) - NLL(theta-hat, nu-hat), with the
 * other floating parameters nu re-minimized at each theta ("profiled"), or kept at their global
 * best values ("fixed", the conditional likelihood). Scans in one and two parameters; intervals
 * {theta : Delta NLL &lt; t} with t from {@link Wilks#threshold}, ends found by Brent root finding;
 * and the 4th-degree-polynomial variant of Sluijter's thesis, Sec. 3.3.2, which fits a polynomial
 * to a scan and reads the interval from it. The global fit is done once, in the constructor; a
 * conditional fit that ends without convergence contributes the best point it evaluated. Immutable
 * and thread-safe.
 */
public final class ProfileLikelihood {

  private final NegLogLikelihood nll;
  private final Fitter fitter;
  private final FitResult global;

  /** Fits {@code nll} globally with {@code fitter}. */
  public ProfileLikelihood(NegLogLikelihood nll, Fitter fitter) {
    this.nll = nll;
    this.fitter = fitter;
    this.global = fitter.minimize(nll);
  }

  /** The global fit (without covariance). */
  public FitResult globalFit() {
    return global;
  }

  /** Delta NLL with {@code name} fixed at {@code value}, the others profiled or fixed. */
  public double deltaNll(String name, double value, boolean profiled) {
    return deltaNll(new String[] {name}, new double[] {value}, profiled);
  }

  /** A 1-D scan: Delta NLL at each grid value. */
  public double[] scan(String name, double[] grid, boolean profiled) {
    Checks.finiteArray("grid", grid);
    double[] out = new double[grid.length];
    for (int i = 0; i < grid.length; i++) {
      out[i] = deltaNll(name, grid[i], profiled);
    }
    return out;
  }

  /** A 2-D scan: Delta NLL at (gridA[i], gridB[j]) in {@code [i][j]}. */
  public double[][] scan2d(
      String nameA, double[] gridA, String nameB, double[] gridB, boolean profiled) {
    Checks.finiteArray("gridA", gridA);
    Checks.finiteArray("gridB", gridB);
    double[][] out = new double[gridA.length][gridB.length];
    for (int i = 0; i < gridA.length; i++) {
      for (int j = 0; j < gridB.length; j++) {
        out[i][j] =
            deltaNll(new String[] {nameA, nameB}, new double[] {gridA[i], gridB[j]}, profiled);
      }
    }
    return out;
  }

  /** The Wilks interval of {@code name} at {@code cl} with one degree of freedom. */
  public Interval interval(String name, double cl, boolean profiled) {
    return intervalAt(name, Wilks.threshold(cl, 1), profiled);
  }

  /**
   * The interval {Delta NLL(theta) &lt; threshold} of {@code name}; an end is the parameter's bound
   * (flagged) when Delta NLL stays below the threshold up to it. Where Delta NLL becomes +infinity
   * (the likelihood is zero beyond) before crossing, the end is the edge of that region. Where it
   * becomes NaN (or -infinity) before crossing, the end is the edge of the region where it is
   * defined, flagged, and the interval's status is {@link Interval.Status#NON_FINITE_NLL}: the true
   * end is unknown.
   *
   * @param threshold the Delta NLL that defines the ends, finite and &gt; 0
   */
  public Interval intervalAt(String name, double threshold, boolean profiled) {
    Checks.finite("threshold", threshold);
    if (!(threshold > 0)) {
      throw new IllegalArgumentException(
          "threshold = " + threshold + " must be > 0 (Delta NLL is 0 at the best fit)");
    }
    Parameter p = nll.parameters().get(name);
    double best = global.value(name);
    DoubleUnaryOperator f = v -> deltaNll(name, v, profiled) - threshold;
    double scale = FiniteDifferences.scale(p);
    End lo = crossing(f, best, -scale / 10, p.lower(), scale);
    End hi = crossing(f, best, scale / 10, p.upper(), scale);
    boolean undefined = lo.kind() == EndKind.NON_FINITE || hi.kind() == EndKind.NON_FINITE;
    return new Interval(
        best,
        lo.value(),
        hi.value(),
        lo.kind() != EndKind.CROSSING,
        hi.kind() != EndKind.CROSSING,
        undefined ? Interval.Status.NON_FINITE_NLL : Interval.Status.INSIDE);
  }

  /**
   * The thesis variant (Sluijter, Sec. 3.3.2): fit a polynomial of {@code degree} to a scan by
   * least squares, subtract its minimum over the scan range, and return where it crosses {@code
   * threshold} (flagged ends at the scan's ends when it does not).
   *
   * @param grid the scanned values, increasing
   * @param deltaNll Delta NLL at each (any constant offset is fine)
   */
  public static Interval polynomialInterval(
      double[] grid, double[] deltaNll, double threshold, int degree) {
    Checks.increasing("grid", grid, degree + 1);
    Checks.finiteArray("deltaNll", deltaNll);
    if (grid.length != deltaNll.length) {
      throw new IllegalArgumentException(
          "grid has " + grid.length + " points, deltaNll " + deltaNll.length);
    }
    WeightedObservedPoints pts = new WeightedObservedPoints();
    for (int i = 0; i < grid.length; i++) {
      pts.add(grid[i], deltaNll[i]);
    }
    PolynomialFunction poly =
        new PolynomialFunction(PolynomialCurveFitter.create(degree).fit(pts.toList()));
    double a = grid[0];
    double b = grid[grid.length - 1];
    int iMin = 0;
    for (int i = 1; i < grid.length; i++) {
      iMin = poly.value(grid[i]) < poly.value(grid[iMin]) ? i : iMin;
    }
    double lo = grid[Math.max(iMin - 1, 0)];
    double hi = grid[Math.min(iMin + 1, grid.length - 1)];
    double best =
        new BrentOptimizer(1e-14, 1e-14)
            .optimize(
                new MaxEval(1000),
                GoalType.MINIMIZE,
                new UnivariateObjectiveFunction(poly::value),
                new SearchInterval(lo, hi, grid[iMin]))
            .getPoint();
    double min = poly.value(best);
    DoubleUnaryOperator f = v -> poly.value(v) - min - threshold;
    double[] l = f.applyAsDouble(a) > 0 ? new double[] {root(f, a, best), 0} : new double[] {a, 1};
    double[] u = f.applyAsDouble(b) > 0 ? new double[] {root(f, best, b), 0} : new double[] {b, 1};
    return new Interval(best, l[0], u[0], l[1] > 0, u[1] > 0);
  }

  private double deltaNll(String[] names, double[] values, boolean profiled) {
    Parameters ps = nll.parameters().withInitialValues(global.values());
    for (int k = 0; k < names.length; k++) {
      double v = values[k];
      ps = ps.with(names[k], q -> q.fixedAt(v));
    }
    if (!profiled) {
      for (int i : ps.floatingIndices()) {
        ps = ps.with(ps.get(i).name(), q -> q.fixedAt(q.initial()));
      }
    }
    return fitter.minimize(nll.withParameters(ps)).nll() - global.nll();
  }

  /** How an interval end was found. */
  private enum EndKind {
    /** Delta NLL crosses the threshold (or jumps to +infinity) there. */
    CROSSING,
    /** Delta NLL stays below the threshold up to the parameter's bound. */
    BOUND,
    /** Delta NLL is NaN or -infinity beyond, before it crosses. */
    NON_FINITE
  }

  private record End(double value, EndKind kind) {}

  /**
   * Walks from {@code best} in steps {@code step} (doubling) towards {@code bound} until f &gt; 0,
   * then solves f = 0. A non-finite f on the way is bisected to the edge of the region where f is
   * finite (to 1e-9 of {@code scale}): a finite f &gt; 0 met on the way is a crossing, +infinity
   * beyond the edge makes the edge a crossing, NaN or -infinity makes it a {@link
   * EndKind#NON_FINITE} end.
   */
  private static End crossing(
      DoubleUnaryOperator f, double best, double step, double bound, double scale) {
    double inner = best;
    double s = step;
    while (true) {
      double outer = step > 0 ? Math.min(inner + s, bound) : Math.max(inner + s, bound);
      double v = f.applyAsDouble(outer);
      if (v > 0 && v < Double.POSITIVE_INFINITY) {
        return new End(root(f, Math.min(inner, outer), Math.max(inner, outer)), EndKind.CROSSING);
      }
      if (!Double.isFinite(v)) {
        return edge(f, inner, outer, v, scale);
      }
      if (outer == bound) {
        return new End(bound, EndKind.BOUND);
      }
      inner = outer;
      s *= 2;
    }
  }

  /** Bisects between {@code inner} (f finite, &lt;= 0) and {@code outer} (f non-finite). */
  private static End edge(
      DoubleUnaryOperator f, double inner, double outer, double atOuter, double scale) {
    double beyond = atOuter;
    while (Math.abs(outer - inner) > 1e-9 * scale) {
      double mid = 0.5 * (inner + outer);
      if (mid == inner || mid == outer) {
        break;
      }
      double v = f.applyAsDouble(mid);
      if (v > 0 && v < Double.POSITIVE_INFINITY) {
        return new End(root(f, Math.min(inner, mid), Math.max(inner, mid)), EndKind.CROSSING);
      }
      if (Double.isFinite(v)) {
        inner = mid;
      } else {
        outer = mid;
        beyond = v;
      }
    }
    return new End(
        inner, beyond == Double.POSITIVE_INFINITY ? EndKind.CROSSING : EndKind.NON_FINITE);
  }

  private static double root(DoubleUnaryOperator f, double a, double b) {
    return new BrentSolver(1e-15, 1e-13).solve(1000, f::applyAsDouble, a, b);
  }
}
