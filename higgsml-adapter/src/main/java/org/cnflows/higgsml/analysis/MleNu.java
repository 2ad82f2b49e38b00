package org.cnflows.higgsml.analysis;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.Seeds;
import org.cnflows.contrastive.Classifier;
import org.cnflows.flows.TrainingListener;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.JetCategory;
import org.cnflows.higgsml.Nuisance;
import org.cnflows.higgsml.NuisanceParameters;
import org.cnflows.higgsml.Preprocessor;
import org.cnflows.higgsml.Systematics;
import org.cnflows.stats.FitResult;
import org.cnflows.stats.Fitter;
import org.cnflows.stats.NegLogLikelihood;
import org.cnflows.stats.Parameter;
import org.cnflows.stats.Parameters;
import org.cnflows.stats.intervals.Interval;
import org.cnflows.stats.intervals.NeymanBelt;
import org.cnflows.stats.models.BinnedTemplateNll;
import org.cnflows.stats.models.Process;
import org.cnflows.stats.models.TemplateGrid;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * The CNF paper's "MLE with nu_i" (Elsharkawy and Kahn 2025, App. E): the nuisances as inputs of
 * the classifier instead of CNF features.
 *
 * <p>Training (App. E.1): the same two-headed DNN on augmented sub-datasets ({@link #trainingSets}:
 * sub-datasets of {@value #SUBSET_EVENTS} events, tes and jes uniform over [0.9, 1.1], the other
 * nuisances from their priors), its inputs the 28 features followed by two blocks of the six
 * nuisances, ordered by label: a signal row gets (x, nu_true, nu_fake), a background row (x,
 * nu_fake, nu_true), with nu_true its sub-dataset's nuisances and nu_fake those of another
 * sub-dataset, drawn per row. The Bayes-optimal output is then p_s(x | first block) / (p_s(x |
 * first block) + p_b(x | second block)): the priors cancel.
 *
 * <p>Evaluation (App. E.2): with the signal block at the reference {@link #REFERENCE}, nu-hat =
 * argmin over the background block of the summed logits of the dataset (Eq. 27; "everything is
 * background") minus a calibration term fitted once on the template pool's background ({@link
 * Calibration}: without it the argmin ran to the search box's edge), searched over tes and jes in
 * [0.97, 1.03] with soft_met and the three normalizations at the reference (the normalizations
 * change no event, only the background's mixture; soft_met's noise was left out of the search after
 * it ran to its bound 0 in the first version of the search); the template pool is shifted to nu-hat
 * and scored with both blocks at nu-hat, giving the signal and background templates S(r | nu-hat)
 * and B(r | nu-hat) ({@code 2 x bins} bins, one set per head, as the analysis's); the dataset is
 * scored with both blocks at nu-hat (Eq. 28) and mu-hat maximizes the binned Poisson likelihood of
 * mu S + B with mu in [-muMax, muMax] (free below zero as the analysis's, {@link
 * TemplateStage.Config#muRange}, so that mu-hat has no point mass at 0); the interval comes from a
 * Neyman belt of this whole procedure on event-level pseudo-experiments ({@link #belt}), nuisances
 * from their priors, as the paper's ("the Neyman construction once mu-hat is estimated").
 *
 * <p>What is ours: the reference block (the priors' medians: every scale 1, soft_met 1 GeV), the
 * search space of nu-hat (two of six nuisances), the summed score as a logit ({@link #nuHat}), the
 * training sub-datasets' tes and jes spread over their clip ranges ({@link #trainingSets}), the
 * calibration of Eq. (27) ({@link Calibration}), the equal weight of every sub-dataset's classes in
 * training ({@link #equalPerSubset}), the cap on the events of the nu-hat search and of the
 * templates (rows evenly spaced, weights scaled up to keep the totals), and the template floor of
 * 1e-9 events per bin (a bin the capped templates leave empty would otherwise make the likelihood
 * of any observed event there zero).
 */
public final class MleNu implements Method {

  /** The method's name. */
  public static final String NAME = "mle-nu";

  /** The reference of the signal block in the nu-hat search: the priors' medians. */
  public static final NuisanceParameters REFERENCE = new NuisanceParameters(1, 1, 1, 1, 1, 1);

  /** The two blocks' column names: "nu_s_" then "nu_b_" followed by each nuisance's label. */
  static final List<String> BLOCK_COLUMNS = blockColumns();

  /** The floor of a template bin, in expected events. */
  static final double TEMPLATE_FLOOR = 1e-9;

  /**
   * The settings of the method.
   *
   * @param nuEvents the most events of a dataset the nu-hat search scores
   * @param templateEvents the most template-pool events shifted and scored per dataset
   * @param bins score bins per head
   * @param muMax the bound of mu, which floats in [-muMax, muMax]
   */
  public record Config(int nuEvents, int templateEvents, int bins, double muMax) {

    /** Validates. */
    public Config {
      StageSettings.requirePositive(
          "mle-nu",
          new String[] {"nuEvents", "templateEvents", "bins"},
          nuEvents,
          templateEvents,
          bins);
      if (!(muMax > 0)) {
        throw new IllegalArgumentException("mle-nu: muMax = " + muMax + " must be > 0");
      }
    }
  }

  private final Preprocessor pre;
  private final Classifier dnn;
  private final EventTable templatePool;
  private final Config config;
  private final NeymanBelt belt;
  private final double expectedTotal;
  private final Calibration calibration;

  /**
   * @param pre the preprocessor
   * @param dnn the DNN of {@link #train} (the caller keeps ownership)
   * @param templatePool weighted events (expected events at the analysis's luminosity) from which
   *     the templates at nu-hat are built
   * @param config the settings
   * @param belt the belt of {@link #belt}, or null for a method that gives mu-hat only (p16 = p84 =
   *     mu-hat), as the belt's own toys need
   */
  public MleNu(
      Preprocessor pre, Classifier dnn, EventTable templatePool, Config config, NeymanBelt belt) {
    this(pre, dnn, evenly(templatePool, config.templateEvents()), config, belt, null);
  }

  /** With the calibration of {@link Calibration#of} computed if {@code calibration} is null. */
  private MleNu(
      Preprocessor pre,
      Classifier dnn,
      EventTable templatePool,
      Config config,
      NeymanBelt belt,
      Calibration calibration) {
    this.pre = pre;
    this.dnn = dnn;
    this.templatePool = templatePool;
    this.config = config;
    this.belt = belt;
    float[] w = prepare(this.templatePool).weights();
    double sum = 0;
    for (float x : w) {
      sum += x;
    }
    this.expectedTotal = sum;
    this.calibration = calibration == null ? Calibration.of(this) : calibration;
  }

  /** This method with another calibration (the same settings, network and pool). */
  MleNu withCalibration(Calibration other) {
    return new MleNu(pre, dnn, templatePool, config, belt, other);
  }

  /** The calibration of Eq. (27) in use. */
  Calibration calibration() {
    return calibration;
  }

  private static List<String> blockColumns() {
    List<String> names = new ArrayList<>();
    for (String block : List.of("nu_s_", "nu_b_")) {
      for (Nuisance n : Nuisance.values()) {
        names.add(block + n.label());
      }
    }
    return List.copyOf(names);
  }

  /** The events of one training sub-dataset of {@link #trainingSets}. */
  static final int SUBSET_EVENTS = 300;

  /**
   * The training sub-datasets of the method: {@code events} rows drawn in all (as many as the
   * analysis's K sub-datasets hold), in sub-datasets of {@link #SUBSET_EVENTS} events, tes and jes
   * of each drawn uniformly over their clip ranges [0.9, 1.1] ({@link #drawForTraining}), the other
   * four nuisances from their priors.
   *
   * <p>Why not the analysis's K sub-datasets at the priors: the network has to learn how the
   * background density moves with the block, and the information on that in a training row grows
   * with the variance of the block's values (a prior sigma of 0.01 carries 1/300 of a uniform
   * spread over [0.9, 1.1]); and with K = 60 distinct blocks it learned a function of the block
   * that is jagged between them (the per-event gradient of its logit in tes had a spread of 15 per
   * unit, against 4 with 400 uniform blocks), so nu-hat followed the jags. The optimal output is
   * the same for any distribution of the blocks that is the same in both classes.
   *
   * @param events the training events (the analysis's DNN half of the pool)
   * @param pre the preprocessor
   * @param rows the events drawn in all; the sub-datasets are rows / {@link #SUBSET_EVENTS}, at
   *     least 2
   * @param seed the seed of the draws
   */
  public static TrainingSets.Augmented trainingSets(
      EventTable events, Preprocessor pre, long rows, long seed) {
    int perSubset = Math.min(SUBSET_EVENTS, events.size());
    int subsets = (int) Math.max(2, Math.min(Integer.MAX_VALUE, rows / perSubset));
    return TrainingSets.augmented(events, pre, subsets, perSubset, seed, MleNu::drawForTraining);
  }

  /**
   * The nuisances of a training sub-dataset: tes and jes uniform over their clip ranges, then
   * soft_met and the normalizations from their priors.
   */
  static NuisanceParameters drawForTraining(SplittableRandom rng) {
    double tes = Nuisance.TES.min() + (Nuisance.TES.max() - Nuisance.TES.min()) * rng.nextDouble();
    double jes = Nuisance.JES.min() + (Nuisance.JES.max() - Nuisance.JES.min()) * rng.nextDouble();
    NuisanceParameters rest = NuisanceParameters.drawFromPriors(rng);
    return new NuisanceParameters(
        tes, jes, rest.softMet(), rest.ttbarScale(), rest.dibosonScale(), rest.bkgScale());
  }

  /**
   * The DNN of the method, trained on the augmented sub-datasets with the nuisance blocks.
   *
   * @param augmented the sub-datasets and their nuisances ({@link #trainingSets})
   * @param dnn the classifier's settings (the analysis's)
   * @param seed the seed of the fake blocks
   * @param device where the network lives
   * @param listener training progress
   */
  public static Classifier train(
      TrainingSets.Augmented augmented,
      ClassifierStage.Config dnn,
      long seed,
      Device device,
      TrainingListener listener) {
    return ClassifierStage.train(trainingInputs(augmented, seed), dnn, device, listener);
  }

  /**
   * The training rows: features, then the two blocks ordered by label. A row's fake block is the
   * true block of another sub-dataset, drawn uniformly: both blocks then take their values from the
   * same K points (fresh draws from the priors would let the network tell the K true values from
   * continuous fakes, and so the label from the blocks alone).
   *
   * @throws IllegalArgumentException with fewer than two sub-datasets
   */
  static FeatureMatrix trainingInputs(TrainingSets.Augmented augmented, long seed) {
    if (augmented.nuisances().size() < 2) {
      throw new IllegalArgumentException(
          "mle-nu needs at least 2 sub-datasets for its fake blocks, got "
              + augmented.nuisances().size());
    }
    List<FeatureMatrix> parts = new ArrayList<>();
    for (JetCategory cat : TrainingSets.ANALYSIS_CATEGORIES) {
      FeatureMatrix rows = augmented.sets().get(cat);
      int[] subset = augmented.subsetOf().get(cat);
      int[] labels = rows.labels();
      SplittableRandom rng = Seeds.rng(seed, TrainingSets.head(cat));
      int width = BLOCK_COLUMNS.size();
      float[] blocks = new float[rows.size() * width];
      int k = augmented.nuisances().size();
      for (int i = 0; i < rows.size(); i++) {
        double[] truth = augmented.nuisances().get(subset[i]).values();
        int other = (subset[i] + 1 + rng.nextInt(k - 1)) % k;
        double[] fake = augmented.nuisances().get(other).values();
        double[] first = labels[i] == 1 ? truth : fake;
        double[] second = labels[i] == 1 ? fake : truth;
        for (int j = 0; j < width / 2; j++) {
          blocks[i * width + j] = (float) first[j];
          blocks[i * width + width / 2 + j] = (float) second[j];
        }
      }
      parts.add(
          ClassifierStage.inputs(rows, cat, null, 8192)
              .withColumns(BLOCK_COLUMNS, blocks)
              .withWeights(equalPerSubset(rows.weights(), labels, subset)));
    }
    return FeatureMatrix.concat(parts);
  }

  /**
   * The weights rescaled so that each class of each sub-dataset carries the same total (the mean
   * weight stays 1). Without this, a sub-dataset whose nuisances let more events pass the selection
   * weighs more, so the true block of background rows is not distributed as the fake block of
   * signal rows (the prior): the priors no longer cancel in the optimal output, the network learns
   * that a high tes or jes in the background block means background whatever x is, and the nu-hat
   * search runs to the bounds (it did, at tes = jes = 1.03, for every injected value). Equal totals
   * make both blocks' weighted distributions the prior in both classes.
   */
  static float[] equalPerSubset(float[] weights, int[] labels, int[] subset) {
    int subsets = 0;
    for (int k : subset) {
      subsets = Math.max(subsets, k + 1);
    }
    double[][] sum = new double[subsets][2];
    for (int i = 0; i < weights.length; i++) {
      sum[subset[i]][labels[i]] += weights[i];
    }
    double perGroup = weights.length / (2.0 * subsets);
    float[] out = new float[weights.length];
    for (int i = 0; i < weights.length; i++) {
      out[i] = (float) (weights[i] * perGroup / sum[subset[i]][labels[i]]);
    }
    return out;
  }

  /**
   * A dataset's events of the analysed categories as DNN inputs without the blocks.
   *
   * @param inputs the padded features, heads as categories
   * @param rows the table row of each input row
   * @param weights the weight of each input row
   */
  record Prepared(FeatureMatrix inputs, int[] rows, float[] weights) {}

  /** The analysed events of a table as inputs (0-jet events left out). */
  Prepared prepare(EventTable events) {
    List<FeatureMatrix> parts = new ArrayList<>();
    List<int[]> rows = new ArrayList<>();
    for (JetCategory cat : TrainingSets.ANALYSIS_CATEGORIES) {
      int[] r = cat.rows(events);
      if (r.length > 0) {
        parts.add(ClassifierStage.inputs(pre.transform(events, cat), cat, null, 8192));
        rows.add(r);
      }
    }
    int n = rows.stream().mapToInt(r -> r.length).sum();
    int[] all = new int[n];
    float[] w = new float[n];
    int at = 0;
    for (int[] r : rows) {
      for (int row : r) {
        all[at] = row;
        w[at++] = events.weights()[row];
      }
    }
    Method.analysedEvents(new double[] {n}, events.size());
    return new Prepared(FeatureMatrix.concat(parts), all, w);
  }

  /** The DNN's score of every prepared row with the two blocks set. */
  double[] scores(Prepared data, NuisanceParameters signal, NuisanceParameters background) {
    int n = data.inputs().size();
    int width = BLOCK_COLUMNS.size();
    double[] s = signal.values();
    double[] b = background.values();
    float[] blocks = new float[n * width];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < width / 2; j++) {
        blocks[i * width + j] = (float) s[j];
        blocks[i * width + width / 2 + j] = (float) b[j];
      }
    }
    return dnn.scores(data.inputs().withColumns(BLOCK_COLUMNS, blocks), 8192);
  }

  /** The output probability is clamped to [c, 1 - c] before its logit, float32's resolution. */
  static final double LOGIT_CLAMP = 1e-7;

  /** The half-width of the nu-hat search box around 1, in tes and in jes. */
  static final double SEARCH = 0.03;

  /** The step of the central differences of the logit in tes and jes. */
  static final double STEP = 0.005;

  /** The calibration grid's points per axis over the search box. */
  static final int CALIBRATION_POINTS = 3;

  /**
   * nu-hat of Eq. (27), calibrated: the background block (tes, jes) that minimizes the weighted
   * mean logit of the dataset's events (at most {@link Config#nuEvents}, evenly spaced) with the
   * signal block at {@link #REFERENCE}, minus the calibration term {@link Calibration#value}; tes
   * and jes searched in [0.97, 1.03] (the priors' +-3 sigma), the others at the reference. The
   * score summed is the network's output as a logit, log(r / (1 - r)) = log p_s(x | ref) - log
   * p_b(x | nu) for the Bayes-optimal network, whose sum is minimal where the background likelihood
   * of the dataset is maximal (summing the probabilities r instead ran to the search's bounds).
   */
  NuisanceParameters nuHat(EventTable events) {
    Prepared data = prepare(evenly(events, config.nuEvents()));
    FitResult best =
        new Fitter(2000, 1e-10)
            .minimize(
                NegLogLikelihood.of(
                    Parameters.of(
                        Parameter.of(Nuisance.TES.label(), 1, 1 - SEARCH, 1 + SEARCH),
                        Parameter.of(Nuisance.JES.label(), 1, 1 - SEARCH, 1 + SEARCH)),
                    theta -> objective(data, theta[0], theta[1])));
    return block(best.values());
  }

  /** The calibrated objective of {@link #nuHat} at the background block (tes, jes). */
  private double objective(Prepared data, double tes, double jes) {
    return meanLogit(data, block(new double[] {tes, jes})) - calibration.value(tes, jes);
  }

  /**
   * The network's logit of every prepared row, with the signal block at {@link #REFERENCE} and the
   * background block at {@code background}.
   */
  double[] logits(Prepared data, NuisanceParameters background) {
    double[] r = scores(data, REFERENCE, background);
    for (int i = 0; i < r.length; i++) {
      double clamped = Math.min(Math.max(r[i], LOGIT_CLAMP), 1 - LOGIT_CLAMP);
      r[i] = Math.log(clamped / (1 - clamped));
    }
    return r;
  }

  /** The weighted mean of {@link #logits} over the prepared rows. */
  double meanLogit(Prepared data, NuisanceParameters background) {
    double[] l = logits(data, background);
    double sum = 0;
    double weights = 0;
    for (int i = 0; i < l.length; i++) {
      sum += data.weights()[i] * l[i];
      weights += data.weights()[i];
    }
    return sum / weights;
  }

  /**
   * Per prepared row, the gradient in (tes, jes) of its logit at the background block (tes, jes),
   * by central differences of step {@link #STEP}: the tes components, then the jes components.
   */
  double[][] rowGradients(Prepared data, double tes, double jes) {
    double[][] g = new double[2][];
    for (int axis = 0; axis < 2; axis++) {
      double[] up = {tes, jes};
      double[] down = {tes, jes};
      up[axis] += STEP;
      down[axis] -= STEP;
      double[] high = logits(data, block(up));
      double[] low = logits(data, block(down));
      g[axis] = new double[high.length];
      for (int i = 0; i < high.length; i++) {
        g[axis][i] = (high[i] - low[i]) / (2 * STEP);
      }
    }
    return g;
  }

  /**
   * The weighted mean of row gradients and the covariance of that mean (the rows' weighted
   * covariance over their effective number, (sum w)^2 / sum w^2).
   *
   * @param mean the mean (tes, jes)
   * @param covariance the 2 x 2 covariance of the mean
   */
  record Moments(double[] mean, double[][] covariance) {

    static Moments of(double[][] g, float[] w) {
      double sum = 0;
      double squares = 0;
      double[] mean = new double[2];
      for (int i = 0; i < w.length; i++) {
        sum += w[i];
        squares += (double) w[i] * w[i];
        mean[0] += w[i] * g[0][i];
        mean[1] += w[i] * g[1][i];
      }
      mean[0] /= sum;
      mean[1] /= sum;
      double[][] cov = new double[2][2];
      for (int i = 0; i < w.length; i++) {
        for (int a = 0; a < 2; a++) {
          for (int b = 0; b < 2; b++) {
            cov[a][b] += w[i] * (g[a][i] - mean[a]) * (g[b][i] - mean[b]);
          }
        }
      }
      double effective = sum * sum / squares;
      for (double[] row : cov) {
        row[0] /= sum * effective;
        row[1] /= sum * effective;
      }
      return new Moments(mean, cov);
    }
  }

  /**
   * The covariance of nu-hat's (tes, jes) on a dataset: the sandwich J^-1 (V + N) J^-1, with J the
   * Hessian of the calibrated objective at nu-hat (second differences of step {@link #STEP}), V the
   * covariance of the dataset's mean gradient at nu-hat ({@link Moments}, the statistical error of
   * the data) and N that of the calibration's mean gradient at the grid's centre (the template
   * pool's own statistical error, which moves nu-hat of every dataset alike).
   *
   * @throws IllegalStateException if J is not positive definite there (no minimum, e.g. nu-hat on
   *     the search box's edge), naming J
   */
  double[][] nuHatCovariance(EventTable events, NuisanceParameters hat) {
    Prepared data = prepare(evenly(events, config.nuEvents()));
    double t = hat.tes();
    double j = hat.jes();
    double h = STEP;
    double centre = objective(data, t, j);
    double jtt = (objective(data, t + h, j) - 2 * centre + objective(data, t - h, j)) / (h * h);
    double jjj = (objective(data, t, j + h) - 2 * centre + objective(data, t, j - h)) / (h * h);
    double jtj =
        (objective(data, t + h, j + h)
                - objective(data, t + h, j - h)
                - objective(data, t - h, j + h)
                + objective(data, t - h, j - h))
            / (4 * h * h);
    double det = jtt * jjj - jtj * jtj;
    if (!(jtt > 0 && det > 0)) {
      throw new IllegalStateException(
          "mle-nu: the Hessian of the nu-hat objective at "
              + hat
              + " is not positive definite: [["
              + jtt
              + ", "
              + jtj
              + "], ["
              + jtj
              + ", "
              + jjj
              + "]]");
    }
    double[][] inverse = {{jjj / det, -jtj / det}, {-jtj / det, jtt / det}};
    double[][] v = Moments.of(rowGradients(data, t, j), data.weights()).covariance();
    double[][] middle = new double[2][2];
    for (int a = 0; a < 2; a++) {
      for (int b = 0; b < 2; b++) {
        middle[a][b] = v[a][b] + calibration.noise()[a][b];
      }
    }
    double[][] out = new double[2][2];
    for (int a = 0; a < 2; a++) {
      for (int b = 0; b < 2; b++) {
        for (int c = 0; c < 2; c++) {
          for (int d = 0; d < 2; d++) {
            out[a][b] += inverse[a][c] * middle[c][d] * inverse[d][b];
          }
        }
      }
    }
    return out;
  }

  /**
   * The calibration of Eq. (27): C(tes, jes), a quadratic polynomial without constant in t = (tes -
   * 1) / {@link #SEARCH} and u = (jes - 1) / {@link #SEARCH}, whose gradient is fitted (least
   * squares) to g(nu) = the weighted mean, over the template pool's background shifted to nu =
   * (tes, jes) (soft_met and the normalizations at the reference), of the gradient of the logit in
   * the background block at nu, on a {@link #CALIBRATION_POINTS}-square grid over the search box.
   *
   * <p>Why: Eq. (27)'s argmin is the background MLE only if the network's logit is log p_s - log
   * p_b to about 1e-3 nats in its dependence on the block, the size of the nuisances' effect
   * (measured: of order 0.01 nats per event per 1% of tes). A trained network is off by about 0.1
   * nats in a part that varies smoothly with the block and hardly with x (its normalization in x is
   * pinned only by the class balance at each block value), and summed over the dataset that part
   * moved nu-hat to the box's edge for every injected (tes, jes). Whatever the network, the
   * calibrated objective's expected gradient vanishes at the true nu on background simulated as the
   * model's (an estimating equation: data gradient = simulated gradient), so nu-hat is consistent;
   * for the Bayes-optimal network g = 0 (the score has mean 0) and C = 0, Eq. (27) itself.
   *
   * @param coefficients of t, u, t^2, t u, u^2
   * @param residual the root-mean-square of the fit's residuals, per unit of tes or jes
   * @param gradients the gradients g at the grid points, rows (tes, jes, g_tes, g_jes)
   * @param noise the covariance of g at the grid's centre from the pool's finite sample ({@link
   *     Moments})
   */
  record Calibration(
      double[] coefficients, double residual, double[][] gradients, double[][] noise) {

    /** The exponents (of t, of u) of the polynomial's terms. */
    private static final int[][] POWERS = {{1, 0}, {0, 1}, {2, 0}, {1, 1}, {0, 2}};

    /** C at (tes, jes). */
    double value(double tes, double jes) {
      double t = (tes - 1) / SEARCH;
      double u = (jes - 1) / SEARCH;
      double v = 0;
      for (int k = 0; k < POWERS.length; k++) {
        v += coefficients[k] * Math.pow(t, POWERS[k][0]) * Math.pow(u, POWERS[k][1]);
      }
      return v;
    }

    /**
     * The calibration of {@code method} from its template pool's background.
     *
     * @throws IllegalArgumentException if the pool has no background event in the analysed
     *     categories (from {@link #prepare})
     */
    static Calibration of(MleNu method) {
      EventTable pool = method.templatePool;
      List<Integer> rows = new ArrayList<>();
      for (int i = 0; i < pool.size(); i++) {
        if (!pool.process(i).isSignal()) {
          rows.add(i);
        }
      }
      EventTable background = pool.select(rows.stream().mapToInt(Integer::intValue).toArray());
      int n = CALIBRATION_POINTS;
      double[][] g = new double[n * n][];
      double[][] noise = null;
      DMatrixRMaj a = new DMatrixRMaj(2 * n * n, POWERS.length);
      DMatrixRMaj y = new DMatrixRMaj(2 * n * n, 1);
      for (int p = 0; p < n * n; p++) {
        double tes = 1 - SEARCH + 2 * SEARCH * (p / n) / (n - 1);
        double jes = 1 - SEARCH + 2 * SEARCH * (p % n) / (n - 1);
        EventTable shifted =
            Systematics.apply(background, block(new double[] {tes, jes}), new SplittableRandom(0))
                .events();
        Prepared prepared = method.prepare(shifted);
        Moments moments = Moments.of(method.rowGradients(prepared, tes, jes), prepared.weights());
        double[] grad = moments.mean();
        if (p == n * n / 2) {
          noise = moments.covariance();
        }
        g[p] = new double[] {tes, jes, grad[0], grad[1]};
        double t = (tes - 1) / SEARCH;
        double u = (jes - 1) / SEARCH;
        for (int k = 0; k < POWERS.length; k++) {
          int i = POWERS[k][0];
          int j = POWERS[k][1];
          a.set(2 * p, k, i == 0 ? 0 : i * Math.pow(t, i - 1) * Math.pow(u, j) / SEARCH);
          a.set(2 * p + 1, k, j == 0 ? 0 : j * Math.pow(t, i) * Math.pow(u, j - 1) / SEARCH);
        }
        y.set(2 * p, grad[0]);
        y.set(2 * p + 1, grad[1]);
      }
      LinearSolverDense<DMatrixRMaj> qr =
          LinearSolverFactory_DDRM.leastSquares(a.numRows, a.numCols);
      if (!qr.setA(a)) {
        throw new IllegalStateException("mle-nu calibration: the grid's design is degenerate");
      }
      DMatrixRMaj c = new DMatrixRMaj(POWERS.length, 1);
      qr.solve(y.copy(), c);
      DMatrixRMaj fitted = new DMatrixRMaj(a.numRows, 1);
      CommonOps_DDRM.mult(a, c, fitted);
      double squares = 0;
      for (int r = 0; r < a.numRows; r++) {
        squares += Math.pow(fitted.get(r) - y.get(r), 2);
      }
      return new Calibration(c.getData().clone(), Math.sqrt(squares / a.numRows), g, noise);
    }
  }

  /** The reference block with tes and jes replaced. */
  static NuisanceParameters block(double[] tesJes) {
    return new NuisanceParameters(
        tesJes[0],
        tesJes[1],
        REFERENCE.softMet(),
        REFERENCE.ttbarScale(),
        REFERENCE.dibosonScale(),
        REFERENCE.bkgScale());
  }

  /** The histogram (2 x bins, by head) of the prepared rows' scores, per label if split. */
  private double[][] histograms(Prepared data, double[] scores, EventTable table, boolean split) {
    double[][] h = new double[split ? 2 : 1][2 * config.bins()];
    int[] heads = data.inputs().categories();
    for (int i = 0; i < scores.length; i++) {
      int label = split && table.process(data.rows()[i]).isSignal() ? 1 : 0;
      h[label][TemplateStage.bin(scores[i], heads[i], config.bins())] += data.weights()[i];
    }
    return h;
  }

  /**
   * The method's fit of one dataset.
   *
   * @param result the binned fit of mu (mu-hat and its status)
   * @param nuHat the nuisances of Eq. (27)
   * @param events the dataset's events in the analysed categories
   */
  record Fit(FitResult result, NuisanceParameters nuHat, double events) {}

  /**
   * mu-hat of a dataset: nu-hat, the templates at nu-hat, the binned fit of mu with both blocks at
   * nu-hat.
   */
  Fit fit(EventTable events) {
    NuisanceParameters nu = nuHat(events);
    Prepared data = prepare(events);
    double[] observed = histograms(data, scores(data, nu, nu), events, false)[0];
    EventTable shifted = Systematics.apply(templatePool, nu, new SplittableRandom(0)).events();
    Prepared pool = prepare(shifted);
    double[][] t = histograms(pool, scores(pool, nu, nu), shifted, true);
    for (double[] h : t) {
      for (int b = 0; b < h.length; b++) {
        h[b] = Math.max(h[b], TEMPLATE_FLOOR);
      }
    }
    BinnedTemplateNll likelihood =
        new BinnedTemplateNll(
            Parameters.of(TemplateStage.Config.mu(config.muMax())),
            List.of(
                new Process("signal", TemplateGrid.fixed(t[1]), List.of("mu")),
                new Process("background", TemplateGrid.fixed(t[0]), List.of())),
            observed);
    return new Fit(Fitter.defaults().fit(likelihood), nu, data.rows().length);
  }

  /**
   * The Neyman belt of the method: at each mu of the grid, event-level pseudo-experiments with the
   * six nuisances drawn from their priors, each through {@link #fit}. The toys run on one thread
   * (the network is shared).
   *
   * @param experiments where the pseudo-experiments come from
   * @param grid the true mu values
   * @param toys pseudo-experiments per mu
   * @param seed the master seed
   * @param progress advanced per toy
   */
  NeymanBelt belt(
      EvaluationStage.Source experiments, double[] grid, int toys, long seed, Progress progress) {
    return BeltStage.build(
        new BeltStage.Config(grid, toys, 0.6827, seed, 1),
        (mu, rng) -> {
          NuisanceParameters nu = NuisanceParameters.drawFromPriors(rng);
          FitResult fit = fit(experiments.generate(mu, nu, rng.nextLong()).events()).result();
          progress.step();
          return NeymanBelt.Estimate.of(fit, "mu");
        });
  }

  /** This method with its belt. */
  MleNu withBelt(NeymanBelt built) {
    return new MleNu(pre, dnn, templatePool, config, built, calibration);
  }

  /** At most {@code most} rows of the table, evenly spaced, weights scaled to keep the totals. */
  static EventTable evenly(EventTable table, int most) {
    if (table.size() <= most) {
      return table;
    }
    int[] rows = new int[most];
    for (int i = 0; i < most; i++) {
      rows[i] = (int) ((long) i * table.size() / most);
    }
    return table.select(rows).withWeightsScaled((double) table.size() / most);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public HiggsMlPredictor.Prediction predict(EventTable events) {
    Fit fit = fit(events);
    double muHat = fit.result().value("mu");
    Interval interval =
        belt == null ? new Interval(muHat, muHat, muHat, false, false) : belt.invert(muHat);
    return new HiggsMlPredictor.Prediction(
        interval.estimate(),
        interval.lower(),
        interval.upper(),
        fit.result().status(),
        belt == null ? null : interval.status(),
        fit.events(),
        expectedTotal);
  }
}
