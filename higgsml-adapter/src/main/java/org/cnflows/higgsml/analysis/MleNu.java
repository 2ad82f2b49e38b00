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

/**
 * The CNF paper's "MLE with nu_i" (Elsharkawy and Kahn 2025, App. E): the nuisances as inputs of
 * the classifier instead of CNF features.
 *
 * <p>Training (App. E.1): the same two-headed DNN on the same augmented sub-datasets ({@link
 * TrainingSets#augmented}), its inputs the 28 features followed by two blocks of the six nuisances,
 * ordered by label: a signal row gets (x, nu_true, nu_fake), a background row (x, nu_fake,
 * nu_true), with nu_true its sub-dataset's nuisances and nu_fake those of another sub-dataset,
 * drawn per row. The Bayes-optimal output is then p_s(x | first block) / (p_s(x | first block) +
 * p_b(x | second block)): the priors cancel.
 *
 * <p>Evaluation (App. E.2): with the signal block at the reference {@link #REFERENCE}, nu-hat =
 * argmin over the background block of the summed scores of the dataset (Eq. 27; "everything is
 * background"), searched over tes and jes in [0.97, 1.03] with soft_met and the three
 * normalizations at the reference (the normalizations change no event, only the background's
 * mixture; soft_met's noise was left out of the search after it ran to its bound 0 in the first
 * version of the search); the template pool is shifted to nu-hat and scored with both blocks at
 * nu-hat, giving the signal and background templates S(r | nu-hat) and B(r | nu-hat) ({@code 2 x
 * bins} bins, one set per head, as the analysis's); the dataset is scored with both blocks at
 * nu-hat (Eq. 28) and mu-hat maximizes the binned Poisson likelihood of mu S + B with mu in [0,
 * muMax]; the interval comes from a Neyman belt of this whole procedure on event-level
 * pseudo-experiments ({@link #belt}), nuisances from their priors, as the paper's ("the Neyman
 * construction once mu-hat is estimated").
 *
 * <p>What is ours: the reference block (the priors' medians: every scale 1, soft_met 1 GeV), the
 * search space of nu-hat (two of six nuisances), the summed score as a logit ({@link #nuHat}), the
 * equal weight of every sub-dataset's classes in training ({@link #equalPerSubset}), the cap on the
 * events of the nu-hat search and of the templates (rows evenly spaced, weights scaled up to keep
 * the totals), and the template floor of 1e-9 events per bin (a bin the capped templates leave
 * empty would otherwise make the likelihood of any observed event there zero).
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
   * @param muMax the upper bound of mu
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
    this.pre = pre;
    this.dnn = dnn;
    this.templatePool = evenly(templatePool, config.templateEvents());
    this.config = config;
    this.belt = belt;
    float[] w = prepare(this.templatePool).weights();
    double sum = 0;
    for (float x : w) {
      sum += x;
    }
    this.expectedTotal = sum;
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

  /**
   * The DNN of the method, trained on the augmented sub-datasets with the nuisance blocks.
   *
   * @param augmented the sub-datasets and their nuisances
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

  /**
   * nu-hat of Eq. (27): the background block that minimizes the summed scores of the dataset's
   * events (at most {@link Config#nuEvents}, evenly spaced) with the signal block at {@link
   * #REFERENCE}; tes and jes searched in [0.97, 1.03] (the priors' +-3 sigma, where the network saw
   * training data), the others at the reference. The score summed is the network's output as a
   * logit, log(r / (1 - r)) = log p_s(x | ref) - log p_b(x | nu): its sum is minimal where the
   * background likelihood of the dataset is maximal, the unbinned MLE the paper describes. Summing
   * the probabilities r themselves instead rewards any nuisance that sharpens the background's bulk
   * (tails saturate at r = 1): on background-only data it ran to the search's bounds (tes 1.03,
   * soft_met 0) for any injected tes and jes.
   */
  NuisanceParameters nuHat(EventTable events) {
    Prepared data = prepare(evenly(events, config.nuEvents()));
    Parameters space =
        Parameters.of(
            Parameter.of(Nuisance.TES.label(), 1, 0.97, 1.03),
            Parameter.of(Nuisance.JES.label(), 1, 0.97, 1.03));
    FitResult best =
        new Fitter(2000, 1e-10)
            .minimize(
                NegLogLikelihood.of(
                    space,
                    theta -> {
                      double sum = 0;
                      for (double r : scores(data, REFERENCE, block(theta))) {
                        double clamped = Math.min(Math.max(r, LOGIT_CLAMP), 1 - LOGIT_CLAMP);
                        sum += Math.log(clamped / (1 - clamped));
                      }
                      return sum / data.inputs().size();
                    }));
    return block(best.values());
  }

  /** The reference block with tes and jes replaced. */
  private static NuisanceParameters block(double[] tesJes) {
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
            Parameters.of(Parameter.of("mu", 1, 0, config.muMax())),
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
    return new MleNu(pre, dnn, templatePool, config, built);
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
