package org.cnflows.examples;

import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.cnflows.flows.BatchEvaluator;
import org.cnflows.flows.EventFunction;
import org.cnflows.profiling.DoiModel;
import org.cnflows.profiling.FlowMixtureNll;
import org.cnflows.stats.NegLogLikelihood;
import org.cnflows.stats.Parameter;
import org.cnflows.stats.Parameters;
import org.cnflows.stats.models.LogDensities;
import org.cnflows.stats.models.UnbinnedMixtureNll;
import org.cnflows.stats.toys.BivariateGaussian;
import org.cnflows.stats.toys.ToyT4;

/**
 * The likelihoods of toy T4 beside which {@link T4Study} puts its flow fits, all the same two-class
 * mixture over the yield ratio and the unit-Gaussian-constrained nuisances: the true likelihood
 * (every density in closed form, the data's distortion removed exactly), of x and y or of x alone;
 * the learned kinematics alone (the learned p(x | c, nu)) and with a y part; and the references
 * that split the flow's offsets into their parts: a nominal density with the true deformation, the
 * true x with y held at fixed nuisances, the closed form's y part held where step 1 fitted T.
 */
final class T4Likelihoods {

  private T4Likelihoods() {}

  /** The two-class mixture over the yield ratio and the constrained nuisances (start 1, 0, 0). */
  static NegLogLikelihood mixture(Function<double[], LogDensities> densities) {
    return new UnbinnedMixtureNll(
        Parameters.of(
            Parameter.of(FlowMixtureNll.RATIO, 1, 0.05, 20),
            Parameter.gaussian(T4Study.NAMES.get(0), 0, 1, -3, 3),
            Parameter.gaussian(T4Study.NAMES.get(1), 0, 1, -3, 3)),
        FlowMixtureNll.RATIO,
        T4Study.NAMES,
        densities,
        1,
        1,
        false);
  }

  /**
   * The true per-class densities (distortion removed) in the same mixture likelihood, of x and y or
   * of x alone.
   */
  static NegLogLikelihood trueMixtureNll(ToyT4.Events data, boolean withY) {
    return mixture(trueDensities(data, withY));
  }

  private static Function<double[], LogDensities> trueDensities(ToyT4.Events data, boolean withY) {
    if (!withY) {
      return nu -> trueXPlus(data, nu, null);
    }
    return trueXPlus(data, movingFeatures(data, T4Likelihoods::trueFeatures));
  }

  /** The true log p(x | c, nu) plus a y part at the same nu: [class][event] or null for none. */
  static Function<double[], LogDensities> trueXPlus(
      ToyT4.Events data, Function<double[], double[][]> yPart) {
    return nu -> trueXPlus(data, nu, yPart.apply(nu));
  }

  /**
   * The y part at each nu, {@link #distortedFeatures} of the density of y at that nu, the data's
   * distortion removed exactly (undone once).
   */
  static Function<double[], double[][]> movingFeatures(
      ToyT4.Events data, Function<double[], FeatureDensity> featuresAt) {
    double[][][] y = undistorted(data);
    return nu -> distortedFeatures(data, y, featuresAt.apply(nu));
  }

  /**
   * The true log p(x | c, nu) of each event and class plus a per-event y part (null for none), the
   * Gaussian of each class built once.
   */
  private static LogDensities trueXPlus(ToyT4.Events data, double[] nu, double[][] yPart) {
    double[][] l = new double[2][data.size()];
    for (int c = 0; c < 2; c++) {
      BivariateGaussian g = ToyT4.kinematics(c, nu[0], nu[1]);
      for (int i = 0; i < data.size(); i++) {
        double[] x = data.x()[i];
        l[c][i] = g.logDensity(x[0], x[1]) + (yPart == null ? 0 : yPart[c][i]);
      }
    }
    return new LogDensities(l[0], l[1]);
  }

  /** The data's y with class c's distortion removed exactly, per class: [c][event]. */
  private static double[][][] undistorted(ToyT4.Events data) {
    double[][][] y = new double[2][data.size()][];
    for (int c = 0; c < 2; c++) {
      for (int i = 0; i < data.size(); i++) {
        y[c][i] = ToyT4.undistort(data.x()[i], data.y()[i], c);
      }
    }
    return y;
  }

  /** log q_c(D_c^-1(y) | x) - log |det D_c| per class and event, for the distorted data's y. */
  private static double[][] distortedFeatures(
      ToyT4.Events data, double[][][] undistorted, FeatureDensity features) {
    double[][] l = new double[2][];
    for (int c = 0; c < 2; c++) {
      l[c] = features.logDensity(data.x(), undistorted[c], c);
      double logDet = ToyT4.logDetDistortion(c);
      for (int i = 0; i < l[c].length; i++) {
        l[c][i] -= logDet;
      }
    }
    return l;
  }

  /** The true likelihood with every per-event density rounded to float32, as a flow's are. */
  static NegLogLikelihood float32(ToyT4.Events data) {
    Function<double[], LogDensities> exact = trueDensities(data, true);
    return mixture(
        nu -> {
          LogDensities d = exact.apply(nu);
          return new LogDensities(rounded(d.logSignal()), rounded(d.logBackground()));
        });
  }

  private static double[] rounded(double[] v) {
    double[] o = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      o[i] = (float) v[i];
    }
    return o;
  }

  /** The mixture of the learned p(x | c, nu) alone (both classes evaluated at the asked nu). */
  static NegLogLikelihood flowKinematicsNll(
      T4Simulation sim, ToyT4.Events data, BatchEvaluator evaluator) {
    return flowKinematicsNll(sim, data, evaluator, nu -> null);
  }

  /**
   * The mixture of the learned p(x | c, nu) times a y part at the same nu: log densities
   * [class][event] added to each class's (the function may return null for none).
   */
  static NegLogLikelihood flowKinematicsNll(
      T4Simulation sim,
      ToyT4.Events data,
      BatchEvaluator evaluator,
      Function<double[], double[][]> yPart) {
    EventFunction density = sim.kinematics().logProb();
    return mixture(
        nu -> {
          double[][] y = yPart.apply(nu);
          double[][] l = new double[2][];
          for (int c = 0; c < 2; c++) {
            l[c] = logDensities(evaluator, density, data.x(), null, c, nu);
            for (int i = 0; y != null && i < l[c].length; i++) {
              l[c][i] += y[c][i];
            }
          }
          return new LogDensities(l[0], l[1]);
        });
  }

  /**
   * Step 2 in closed form, the DOI transported with nu: if T is the best DOI at nu-T, P_nu o T with
   * P_nu = R_y(.; nu)^-1 o R_y(.; nu-T) (R_y the learned y residual) gives every event at nu the y
   * density it has at nu-T: p(P_nu(T(y)) | x, c, nu) |det dP_nu| = p(T(y) | x, c, nu-T). The
   * likelihood is then the kinematics with each class's y part held at nu-T (y still weighs the
   * classes), without training. It is the profile over the DOI for one class; with several, the
   * best y densities also follow the class posteriors, which step 2's profiling flow learns from
   * this start ({@link DoiModel#profiledFromTransport}). This is that y part, each class's at nu-T
   * for every event: [class][event].
   *
   * @param nuT where T was fitted (step 1's joint fit)
   */
  static double[][] heldFeatures(
      ToyT4.Events data, DoiModel model, double[] nuT, BatchEvaluator evaluator) {
    return evaluator.evaluateToDouble(
        T4Rows.events(data), List.of(model.logFeaturesAt(0, nuT), model.logFeaturesAt(1, nuT)));
  }

  /**
   * A learned density of rows with context (prefix, one-hot c, nu), all rows of class c.
   *
   * @param prefix the leading context columns, or null
   * @param nu the nuisances of the context, or null
   */
  private static double[] logDensities(
      BatchEvaluator evaluator,
      EventFunction density,
      double[][] values,
      double[][] prefix,
      int c,
      double[] nu) {
    int[] classes = new int[values.length];
    Arrays.fill(classes, c);
    return evaluator
        .evaluateToDouble(T4Rows.tagged(values, prefix, classes, nu), List.of(density))[0];
  }

  /**
   * A nominal density p(z | c) with the true deformation: log p(R_true(x; c, nu) | c) + log |det
   * R_true|, R_true the affine map of class c's Gaussian at nu onto its Gaussian at 0.
   *
   * @param nominal (z, c) to log p(z_i | c) for every row
   */
  static NegLogLikelihood trueDeformationNll(
      ToyT4.Events data, BiFunction<double[][], Integer, double[]> nominal) {
    return mixture(
        nu -> {
          double[][] l = new double[2][];
          for (int c = 0; c < 2; c++) {
            BivariateGaussian at = ToyT4.kinematics(c, nu[0], nu[1]);
            BivariateGaussian zero = ToyT4.kinematics(c, 0, 0);
            double[][] z = new double[data.size()][];
            for (int i = 0; i < z.length; i++) {
              z[i] = toNominal(data.x()[i], at, zero);
            }
            double[] base = nominal.apply(z, c);
            double logDet = logDetToNominal(at, zero);
            for (int i = 0; i < base.length; i++) {
              base[i] += logDet;
            }
            l[c] = base;
          }
          return new LogDensities(l[0], l[1]);
        });
  }

  /**
   * The true deformation of T4's Gaussians: the affine map per coordinate of a Gaussian at nu onto
   * the one at 0 (the nuisances move means and scale variances, never the correlation).
   */
  private static double[] toNominal(double[] v, BivariateGaussian at, BivariateGaussian zero) {
    return new double[] {
      zero.mean0() + (v[0] - at.mean0()) * Math.sqrt(zero.var0() / at.var0()),
      zero.mean1() + (v[1] - at.mean1()) * Math.sqrt(zero.var1() / at.var1())
    };
  }

  /** log |det| of {@link #toNominal}. */
  private static double logDetToNominal(BivariateGaussian at, BivariateGaussian zero) {
    return 0.5 * (Math.log(zero.var0() / at.var0()) + Math.log(zero.var1() / at.var1()));
  }

  /** A density of y given x for class c: (x rows, y rows, c) to log q_c(y_i | x_i). */
  interface FeatureDensity {
    double[] logDensity(double[][] x, double[][] y, int c);
  }

  /**
   * The true likelihood of x with the y part held: sum_c A_c p(x | c, nu) q_c(D_c^-1(y) | x) / |det
   * D_c|, with the data's distortion D_c of class c removed exactly and q_c a density of y at fixed
   * nuisances, so that y enters only through the class posteriors.
   */
  static NegLogLikelihood heldFeaturesNll(ToyT4.Events data, FeatureDensity features) {
    double[][] held = distortedFeatures(data, undistorted(data), features);
    return mixture(nu -> trueXPlus(data, nu, held));
  }

  /** The true p(y | x, c, nu) at fixed nu. */
  static FeatureDensity trueFeatures(double[] nu) {
    return (x, y, c) -> {
      double[] out = new double[y.length];
      for (int i = 0; i < y.length; i++) {
        out[i] = ToyT4.logDensityY(x[i], y[i], c, nu[0], nu[1]);
      }
      return out;
    };
  }

  /**
   * A nominal density of y (at nu = 0) with the true deformation from nu: log q(R_true(y; x, c, nu)
   * | x, c) + log |det R_true|.
   */
  static FeatureDensity deformedFeatures(FeatureDensity nominal, double[] nu) {
    return (x, y, c) -> {
      double[][] z = new double[y.length][];
      double[] logDet = new double[y.length];
      for (int i = 0; i < y.length; i++) {
        BivariateGaussian at = ToyT4.features(x[i][0], x[i][1], c, nu[0], nu[1]);
        BivariateGaussian zero = ToyT4.features(x[i][0], x[i][1], c, 0, 0);
        z[i] = toNominal(y[i], at, zero);
        logDet[i] = logDetToNominal(at, zero);
      }
      double[] out = nominal.logDensity(x, z, c);
      for (int i = 0; i < out.length; i++) {
        out[i] += logDet[i];
      }
      return out;
    };
  }

  /** The learned p(y | x, c, nu) at fixed nu (nominal flow and residual). */
  static FeatureDensity learnedFeatures(T4Simulation sim, BatchEvaluator evaluator, double[] nu) {
    return (x, y, c) -> logDensities(evaluator, sim.features().logProb(), y, x, c, nu);
  }

  /** The learned nominal flow of y, p(y | x, c) at nu = 0. */
  static FeatureDensity learnedFeatureBase(T4Simulation sim, BatchEvaluator evaluator) {
    return (x, y, c) -> logDensities(evaluator, EventFunction.logProb(sim.yBase()), y, x, c, null);
  }

  /** The learned nominal flow as a nominal density for {@link #trueDeformationNll}. */
  static BiFunction<double[][], Integer, double[]> learnedNominal(
      T4Simulation sim, BatchEvaluator evaluator) {
    return (z, c) -> logDensities(evaluator, EventFunction.logProb(sim.xBase()), z, null, c, null);
  }

  /**
   * The Gaussian of each class fitted to the simulated nominal T4Study.events (sample means and
   * covariance): the best a nominal flow can do with this simulation.
   */
  static BiFunction<double[][], Integer, double[]> sampleNominal(ToyT4.Events nominal) {
    BivariateGaussian[] g = new BivariateGaussian[2];
    for (int c = 0; c < 2; c++) {
      double[] m = new double[2];
      double[] q = new double[3];
      int n = 0;
      for (int i = 0; i < nominal.size(); i++) {
        if (nominal.classes()[i] == c) {
          m[0] += nominal.x()[i][0];
          m[1] += nominal.x()[i][1];
          n++;
        }
      }
      m[0] /= n;
      m[1] /= n;
      for (int i = 0; i < nominal.size(); i++) {
        if (nominal.classes()[i] == c) {
          double d0 = nominal.x()[i][0] - m[0];
          double d1 = nominal.x()[i][1] - m[1];
          q[0] += d0 * d0;
          q[1] += d0 * d1;
          q[2] += d1 * d1;
        }
      }
      g[c] = new BivariateGaussian(m[0], m[1], q[0] / n, q[1] / n, q[2] / n);
    }
    return (z, c) -> {
      double[] out = new double[z.length];
      for (int i = 0; i < z.length; i++) {
        out[i] = g[c].logDensity(z[i][0], z[i][1]);
      }
      return out;
    };
  }
}
