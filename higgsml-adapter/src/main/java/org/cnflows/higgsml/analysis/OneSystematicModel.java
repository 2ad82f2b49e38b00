package org.cnflows.higgsml.analysis;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.cnflows.common.Json;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.Nuisance;
import org.cnflows.higgsml.NuisanceParameters;
import org.cnflows.higgsml.Systematics;
import org.cnflows.stats.FitResult;
import org.cnflows.stats.Fitter;
import org.cnflows.stats.NegLogLikelihood;
import org.cnflows.stats.Parameter;
import org.cnflows.stats.Parameters;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * The HiggsML Uncertainty Challenge's second starting kit, the one-systematic template model
 * (FAIR-Universe HEP-Challenge, {@code simple_one_syst_model/model.py} and {@code
 * statistical_analysis.py}), re-implemented on this analysis's DNN trained without the CNF columns
 * in place of the kit's boosted trees, with tes as the one systematic (the kit's choice is an
 * environment variable; tes moves the score the most).
 *
 * <p>Templates: the holdout (here the template pool, expected events) is shifted to {@value
 * #POINTS} tes values evenly spaced on [{@value #LOW}, {@value #HIGH}] (the prior's clip range; the
 * other five nuisances nominal, soft_met 0), scored and histogrammed in {@value #BINS} equal bins
 * of the score on [0, 1] for signal, S_b(tes), and background, B_b(tes); per bin each is fitted by
 * a polynomial of degree {@value #DEGREE} in tes (least squares). Prediction: the Poisson
 * likelihood of the observed histogram n_b,
 *
 * <pre>
 * -ln L(mu, tes) = sum_b [nu_b - n_b ln nu_b] + (tes - 1)^2 / (2 sigma^2),  nu_b = mu S_b(tes) + B_b(tes)
 * </pre>
 *
 * with nu_b floored at 1e-10 as in the kit, is minimized over mu in [0, {@value #MU_MAX}] and tes
 * in [0.9, 1.1] (the other nuisances fixed at nominal), and p16, p84 = mu-hat -+ the Hessian error
 * of mu.
 *
 * <p>What differs from the kit: the classifier (our two-headed DNN, heads pooled, 1-jet and &gt;=
 * 2-jet events only); the polynomials are fitted in t = (tes - 1) / 0.1, the same polynomials
 * better conditioned than in tes itself; the minimizer is {@link Fitter} (Powell with the MINUIT
 * bound transforms) instead of Minuit's migrad; the Poisson terms are written relative to the
 * saturated model (a constant shift); the constraint is the challenge's tes prior sigma = 0.01
 * ({@link Nuisance#TES}) where the kit writes std 0.03 but adds its constraint term once per bin
 * (an effective sigma of 0.03 / sqrt(20) = 0.0067); where the fit finds no valid Hessian the kit
 * returns -999 for everything, here the interval is the point mu-hat (zero width, counted as not
 * covering) with the fit's status reported.
 */
public final class OneSystematicModel implements Method {

  /** The method's name. */
  public static final String NAME = "one-syst";

  /** Score bins on [0, 1] (the kit's model.py). */
  public static final int BINS = 20;

  /** tes values of the template fits. */
  public static final int POINTS = 15;

  /** The polynomials' degree. */
  public static final int DEGREE = 5;

  /** The lowest tes of the template fits. */
  public static final double LOW = 0.9;

  /** The highest. */
  public static final double HIGH = 1.1;

  /** The upper bound of mu in the fit (the kit's). */
  public static final double MU_MAX = 10;

  /** The floor of the expected counts (the kit's epsilon). */
  static final double FLOOR = 1e-10;

  /**
   * The per-bin polynomials (the stage's product): coefficients in ascending powers of t = (tes -
   * 1) / 0.1.
   *
   * @param signal per bin, the DEGREE + 1 coefficients of S_b
   * @param background per bin, those of B_b
   * @param expected all events of the analysed categories at mu = 1 and nominal tes
   */
  public record Polynomials(double[][] signal, double[][] background, double expected) {
    static final String FILE = "one-syst.json";

    void save(Path directory) throws IOException {
      Json.write(directory.resolve(FILE), this);
    }

    static Polynomials load(Path directory) throws IOException {
      return Json.read(
          directory.resolve(FILE),
          Polynomials.class,
          "one-systematic model",
          p -> p.signal() != null && p.background() != null);
    }

    /** The expected counts mu S_b(tes) + B_b(tes), floored at 1e-10. */
    double[] expected(double mu, double tes) {
      double t = (tes - 1) / 0.1;
      double[] nu = new double[signal.length];
      for (int b = 0; b < nu.length; b++) {
        nu[b] = Math.max(FLOOR, mu * value(signal[b], t) + value(background[b], t));
      }
      return nu;
    }
  }

  private final TemplateStage.Models models;
  private final Polynomials polynomials;

  /**
   * @param models the models whose DNN scores the events (the caller keeps ownership)
   * @param polynomials the templates of {@link #fit}
   */
  public OneSystematicModel(TemplateStage.Models models, Polynomials polynomials) {
    this.models = models;
    this.polynomials = polynomials;
  }

  /** The tes values of the template fits. */
  static double[] grid() {
    double[] tes = new double[POINTS];
    for (int i = 0; i < POINTS; i++) {
      tes[i] = LOW + (HIGH - LOW) * i / (POINTS - 1);
    }
    return tes;
  }

  /** The per-bin polynomials of a weighted holdout (expected events). */
  public static Polynomials fit(EventTable holdout, TemplateStage.Models models) {
    double[] tes = grid();
    double[][] s = new double[BINS][POINTS];
    double[][] b = new double[BINS][POINTS];
    double expected = 0;
    for (int i = 0; i < POINTS; i++) {
      EventTable shifted =
          Systematics.apply(
                  holdout, new NuisanceParameters(tes[i], 1, 0, 1, 1, 1), new SplittableRandom(0))
              .events();
      PooledScoreHistogram h = PooledScoreHistogram.of(shifted, models, BINS);
      for (int k = 0; k < BINS; k++) {
        s[k][i] = h.signal()[k];
        b[k][i] = h.background()[k];
        expected += tes[i] == 1 ? h.signal()[k] + h.background()[k] : 0;
      }
    }
    double[] t = Arrays.stream(tes).map(x -> (x - 1) / 0.1).toArray();
    double[][] cs = new double[BINS][];
    double[][] cb = new double[BINS][];
    for (int k = 0; k < BINS; k++) {
      cs[k] = polyfit(t, s[k], DEGREE);
      cb[k] = polyfit(t, b[k], DEGREE);
    }
    return new Polynomials(cs, cb, expected);
  }

  /**
   * The least-squares polynomial of {@code degree} through (x, y): its coefficients in ascending
   * powers (QR of the Vandermonde matrix).
   *
   * @throws IllegalArgumentException if there are fewer points than coefficients
   */
  static double[] polyfit(double[] x, double[] y, int degree) {
    int n = x.length;
    int m = degree + 1;
    if (n < m || y.length != n) {
      throw new IllegalArgumentException(
          n + " x and " + y.length + " y values for a polynomial of degree " + degree);
    }
    DMatrixRMaj a = new DMatrixRMaj(n, m);
    for (int i = 0; i < n; i++) {
      double p = 1;
      for (int j = 0; j < m; j++) {
        a.set(i, j, p);
        p *= x[i];
      }
    }
    LinearSolverDense<DMatrixRMaj> qr = LinearSolverFactory_DDRM.leastSquares(n, m);
    if (!qr.setA(a)) {
      throw new IllegalArgumentException("the points " + Arrays.toString(x) + " are degenerate");
    }
    DMatrixRMaj c = new DMatrixRMaj(m, 1);
    qr.solve(new DMatrixRMaj(n, 1, true, y), c);
    return c.getData().clone();
  }

  /** The polynomial with ascending coefficients {@code c} at x (Horner). */
  static double value(double[] c, double x) {
    double v = 0;
    for (int j = c.length - 1; j >= 0; j--) {
      v = v * x + c[j];
    }
    return v;
  }

  /** The likelihood of an observed histogram: parameters mu and tes. */
  NegLogLikelihood likelihood(double[] observed) {
    Parameters parameters =
        Parameters.of(Parameter.of("mu", 1, 0, MU_MAX), Nuisance.TES.parameter());
    double[] n = observed.clone();
    return NegLogLikelihood.of(
        parameters,
        theta -> {
          double[] nu = polynomials.expected(theta[0], theta[1]);
          double s = 0;
          for (int b = 0; b < nu.length; b++) {
            s += n[b] > 0 ? nu[b] - n[b] + n[b] * Math.log(n[b] / nu[b]) : nu[b];
          }
          return s;
        });
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public HiggsMlPredictor.Prediction predict(EventTable events) {
    double[] observed = PooledScoreHistogram.of(events, models, BINS).total();
    double all = Method.analysedEvents(observed, events.size());
    FitResult fit = Fitter.defaults().fit(likelihood(observed));
    double mu = fit.value("mu");
    double error = fit.status().isValid() ? fit.error("mu") : 0;
    return new HiggsMlPredictor.Prediction(
        mu, mu - error, mu + error, fit.status(), null, all, polynomials.expected());
  }
}
