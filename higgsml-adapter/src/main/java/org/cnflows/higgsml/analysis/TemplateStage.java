package org.cnflows.higgsml.analysis;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.contrastive.Classifier;
import org.cnflows.contrastive.CnfSet;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.JetCategory;
import org.cnflows.higgsml.Nuisance;
import org.cnflows.higgsml.NuisanceParameters;
import org.cnflows.higgsml.Preprocessor;
import org.cnflows.higgsml.Systematics;
import org.cnflows.stats.Parameter;
import org.cnflows.stats.Parameters;
import org.cnflows.stats.models.BinnedTemplateNll;
import org.cnflows.stats.models.Process;
import org.cnflows.stats.models.TemplateGrid;

/**
 * Step 4 of the CNF paper's HiggsML analysis (Elsharkawy and Kahn 2025, Sec. 6.2): histograms of
 * the DNN score for signal and for background on a grid of (jes, tes), spline-interpolated into the
 * binned likelihood L({r_k} | mu, jes, tes).
 *
 * <p>The score histograms of the two jet categories are concatenated (each category's head gives
 * its own score, so a category's bins stay separate): {@code 2 x bins} bins, the first {@code bins}
 * for one jet. At each grid point the template pool is shifted by (tes, jes) with the other four
 * nuisances nominal, preprocessed, scored (CNF log p columns and the DNN) and histogrammed with the
 * events' weights, i.e. the expected yields at the pool's luminosity. The likelihood's parameters
 * are mu (the signal's normalization, floating in [0, muMax]) and jes, tes with the challenge's
 * priors as constraints ({@link Nuisance#parameter()}), bounded by the grid (templates are not
 * extrapolated: choose a grid that covers the priors, e.g. +-3 sigma = [0.97, 1.03]).
 */
public final class TemplateStage {

  private TemplateStage() {}

  /**
   * The settings of the stage.
   *
   * @param jes the grid of jes values, strictly increasing
   * @param tes the grid of tes values, strictly increasing
   * @param bins score bins per category, uniform on [0, 1]
   * @param muMax the upper bound of mu in fits
   */
  public record Config(double[] jes, double[] tes, int bins, double muMax) {

    /** Validates the grid and copies it. */
    public Config {
      if (jes == null || tes == null || jes.length < 2 || tes.length < 2) {
        throw new IllegalArgumentException("the (jes, tes) grid needs at least 2 values per axis");
      }
      if (bins < 1 || !(muMax > 0)) {
        throw new IllegalArgumentException(
            "bins = " + bins + " must be >= 1 and muMax = " + muMax + " > 0");
      }
      jes = jes.clone();
      tes = tes.clone();
    }

    /** Evenly spaced axes from {@code low} to {@code high} for both nuisances. */
    public static Config square(double low, double high, int points, int bins, double muMax) {
      double[] axis = new double[points];
      for (int i = 0; i < points; i++) {
        axis[i] = low + (high - low) * i / (points - 1);
      }
      return new Config(axis, axis, bins, muMax);
    }
  }

  /** The trained models a dataset goes through before it is a histogram. */
  public record Models(Preprocessor preprocessor, Map<JetCategory, CnfSet> cnfs, Classifier dnn) {}

  /**
   * The binned likelihood with its templates built from {@code pool}; the observed counts are the
   * nominal templates at mu = 1 (replace them with {@link BinnedTemplateNll#withObserved}).
   */
  public static BinnedTemplateNll build(EventTable pool, Models models, Config config) {
    int points = config.jes().length * config.tes().length;
    double[][] signal = new double[points][];
    double[][] background = new double[points][];
    int g = 0;
    for (double jes : config.jes()) {
      for (double tes : config.tes()) {
        NuisanceParameters nu = new NuisanceParameters(tes, jes, 0, 1, 1, 1);
        EventTable shifted = Systematics.apply(pool, nu, new SplittableRandom(0)).events();
        double[][] byClass = histograms(shifted, models, config.bins(), true);
        signal[g] = byClass[1];
        background[g] = byClass[0];
        g++;
      }
    }
    List<String> names = List.of(Nuisance.JES.label(), Nuisance.TES.label());
    List<double[]> axes = List.of(config.jes(), config.tes());
    Parameters parameters =
        Parameters.of(
            Parameter.of("mu", 1, 0, config.muMax()),
            onGrid(Nuisance.JES.parameter(), config.jes()),
            onGrid(Nuisance.TES.parameter(), config.tes()));
    List<Process> processes =
        List.of(
            new Process("signal", new TemplateGrid(names, axes, signal), List.of("mu")),
            new Process("background", new TemplateGrid(names, axes, background), List.of()));
    BinnedTemplateNll model =
        new BinnedTemplateNll(parameters, processes, new double[2 * config.bins()]);
    return model.asimov(new double[] {1, 1, 1});
  }

  /** The parameter bounded by its grid axis (templates are not extrapolated), prior kept. */
  private static Parameter onGrid(Parameter p, double[] axis) {
    double lower = Math.max(p.lower(), axis[0]);
    double upper = Math.min(p.upper(), axis[axis.length - 1]);
    return new Parameter(p.name(), p.initial(), lower, upper, false, p.constraint());
  }

  /**
   * The score histogram of a dataset (weights as counts; a pseudo-experiment's are 1): the observed
   * counts of the binned likelihood.
   */
  public static double[] observed(EventTable data, Models models, int bins) {
    return histograms(data, models, bins, false)[0];
  }

  /**
   * Weighted score histograms of the analysed categories, concatenated: by class ({background,
   * signal}) when {@code byClass}, else one histogram of all events (in element 0).
   */
  private static double[][] histograms(
      EventTable events, Models models, int bins, boolean byClass) {
    double[][] h = new double[2][2 * bins];
    for (JetCategory cat : TrainingSets.ANALYSIS_CATEGORIES) {
      if (cat.rows(events).length == 0) {
        continue;
      }
      FeatureMatrix inputs =
          ClassifierStage.inputs(
              models.preprocessor().transform(events, cat), cat, models.cnfs().get(cat), 8192);
      double[] score = models.dnn().scores(inputs, 8192);
      int offset = TrainingSets.head(cat) * bins;
      for (int i = 0; i < score.length; i++) {
        int bin = offset + Math.min((int) (score[i] * bins), bins - 1);
        int row = byClass ? inputs.labels()[i] : 0;
        h[row][bin] += inputs.weights()[i];
      }
    }
    return h;
  }
}
