package org.cnflows.stats;

import java.util.function.ToDoubleFunction;
import org.cnflows.stats.internal.FiniteDifferences;

/**
 * A negative log likelihood -ln L(theta) over named, bounded {@link Parameters}, constraint terms
 * -ln pi_i(theta_i) included. Points are {@code double[]} in the order of {@link #parameters()};
 * callers keep them within the bounds. Implementations must be safe to evaluate from several
 * threads at once.
 */
public interface NegLogLikelihood {

  /** The parameters, in the order of the points. */
  Parameters parameters();

  /** -ln L(theta) + sum_i -ln pi_i(theta_i), up to a constant that does not depend on theta. */
  double value(double[] theta);

  /**
   * The gradient of {@link #value}; by default central finite differences (see {@link
   * FiniteDifferences#gradient}), overridden where an analytic gradient exists.
   */
  default double[] gradient(double[] theta) {
    return FiniteDifferences.gradient(this::value, theta, parameters());
  }

  /**
   * A user-supplied likelihood: {@code f} plus the constraint terms of {@code parameters}.
   *
   * @param parameters the parameters
   * @param f -ln L(theta) without constraints; must be thread-safe
   */
  static NegLogLikelihood of(Parameters parameters, ToDoubleFunction<double[]> f) {
    return new NegLogLikelihood() {
      @Override
      public Parameters parameters() {
        return parameters;
      }

      @Override
      public double value(double[] theta) {
        return f.applyAsDouble(theta) + parameters.constraintNll(theta);
      }
    };
  }

  /**
   * The same likelihood over {@code changed} parameters: same names, order and constraints, other
   * initial values, bounds or fixing (used by profiles and impacts).
   */
  default NegLogLikelihood withParameters(Parameters changed) {
    Parameters original = parameters();
    for (int i = 0; i < original.size(); i++) {
      Parameter a = original.get(i);
      Parameter b = changed.size() == original.size() ? changed.get(i) : null;
      if (b == null || !a.name().equals(b.name()) || !a.constraint().equals(b.constraint())) {
        throw new IllegalArgumentException(
            "parameters " + changed + " do not match the names and constraints of " + original);
      }
    }
    NegLogLikelihood self = this;
    return new NegLogLikelihood() {
      @Override
      public Parameters parameters() {
        return changed;
      }

      @Override
      public double value(double[] theta) {
        return self.value(theta);
      }

      @Override
      public double[] gradient(double[] theta) {
        return self.gradient(theta);
      }
    };
  }
}
