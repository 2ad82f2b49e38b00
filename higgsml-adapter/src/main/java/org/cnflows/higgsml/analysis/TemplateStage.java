package org.cnflows.higgsml.analysis;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.Json;
import org.cnflows.contrastive.Classifier;
import org.cnflows.contrastive.CnfSet;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.JetCategory;
import org.cnflows.higgsml.Nuisance;
import org.cnflows.higgsml.NuisanceParameters;
import org.cnflows.higgsml.PhysicsProcess;
import org.cnflows.higgsml.Preprocessor;
import org.cnflows.higgsml.Systematics;
import org.cnflows.stats.Parameter;
import org.cnflows.stats.Parameters;
import org.cnflows.stats.models.BinnedTemplateNll;
import org.cnflows.stats.models.Process;
import org.cnflows.stats.models.TemplateGrid;

/**
 * Step 4 of the CNF paper's HiggsML analysis (Elsharkawy and Kahn 2025, Sec. 6.2): histograms of
 * the DNN score for signal and for background on a grid of (jes, tes, soft_met),
 * spline-interpolated into the binned likelihood L({r_k} | mu, jes, tes, soft_met). The paper's
 * grid is (jes, tes); soft_met is added because its effect on the score is not small here (quick
 * preset: a soft_met of 5 GeV moves mu-hat by about one standard deviation) and a likelihood
 * without it under-covers.
 *
 * <p>The score histograms of the two jet categories are concatenated (each category's head gives
 * its own score, so a category's bins stay separate): {@code 2 x bins} uniform bins, the first
 * {@code bins} for one jet. Where the background thins out (high scores), adjacent bins are merged
 * until every template bin holds at least {@link Config#minBackground()} expected background events
 * at every grid point ({@link Templates#binOf()}): a bin without background has a likelihood that
 * is not finite wherever an observed event falls in it, and a bin with a handful of simulated
 * events is more Monte Carlo noise than information. At each grid point the template pool is
 * shifted by (tes, jes, soft_met) with the three normalizations nominal, preprocessed, scored (CNF
 * log p columns and the DNN) and histogrammed with the events' weights, i.e. the expected yields at
 * the pool's luminosity; the soft_met noise uses the same random numbers at every grid point, so
 * neighbouring templates differ by the shift, not by fresh noise. The likelihood's parameters are
 * mu (the signal's normalization, floating in {@link Config#muRange()}) and jes, tes, soft_met with
 * the challenge's priors as constraints ({@link Nuisance#parameter()}), bounded by the grid
 * (templates are not extrapolated: choose a grid that covers the priors, e.g. +-3 sigma = [0.97,
 * 1.03] for jes and tes, soft_met's range [0, 5]), and the normalizations of the background
 * processes.
 */
public final class TemplateStage {

  private TemplateStage() {}

  /** The seed of the soft_met noise (the same at every grid point: common random numbers). */
  private static final long SOFT_MET_SEED = 0x50f7;

  /**
   * The settings of the stage.
   *
   * @param jes the grid of jes values, strictly increasing
   * @param tes the grid of tes values, strictly increasing
   * @param softMet the grid of soft_met values (GeV), strictly increasing, within soft_met's range
   *     [0, 5]: soft_met is a parameter of the likelihood like jes and tes (its effect on the score
   *     is not small: see the module README)
   * @param bins score bins per category, uniform on [0, 1], before merging
   * @param minBackground the least expected background (all background processes together, at the
   *     template pool's luminosity) a template bin must hold at every grid point; adjacent bins are
   *     merged from the top score down until it does (0: merge only bins without background)
   * @param muMax the upper bound of mu in fits
   */
  public record Config(
      double[] jes, double[] tes, double[] softMet, int bins, double minBackground, double muMax) {

    /** Validates the grid and copies it. */
    public Config {
      if (jes == null
          || tes == null
          || softMet == null
          || jes.length < 2
          || tes.length < 2
          || softMet.length < 2) {
        throw new IllegalArgumentException(
            "the (jes, tes, soft_met) grid needs at least 2 values per axis");
      }
      if (softMet[0] < Nuisance.SOFT_MET.min()
          || softMet[softMet.length - 1] > Nuisance.SOFT_MET.max()) {
        throw new IllegalArgumentException(
            "the soft_met axis "
                + Arrays.toString(softMet)
                + " leaves soft_met's range ["
                + Nuisance.SOFT_MET.min()
                + ", "
                + Nuisance.SOFT_MET.max()
                + "]");
      }
      if (bins < 1 || !(muMax > 0)) {
        throw new IllegalArgumentException(
            "bins = " + bins + " must be >= 1 and muMax = " + muMax + " > 0");
      }
      if (!(minBackground >= 0) || Double.isInfinite(minBackground)) {
        throw new IllegalArgumentException(
            "minBackground = " + minBackground + " expected events must be finite and >= 0");
      }
      jes = jes.clone();
      tes = tes.clone();
      softMet = softMet.clone();
    }

    /**
     * The range of the likelihood's mu, [-muMax, muMax]: below zero too, so that mu-hat has no
     * point mass on a bound, which a belt would have to cover by over-covering; the expected counts
     * must stay positive, which bounds it in practice.
     */
    public double[] muRange() {
      return muRange(muMax);
    }

    /** [-muMax, muMax]: the range of mu of every fit of the analysis and its methods. */
    public static double[] muRange(double muMax) {
      return new double[] {-muMax, muMax};
    }

    /** A likelihood's mu: from 1, floating in {@link #muRange(double)}. */
    public static Parameter mu(double muMax) {
      double[] range = muRange(muMax);
      return Parameter.of("mu", 1, range[0], range[1]);
    }

    /**
     * Evenly spaced axes from {@code low} to {@code high} for jes and tes, soft_met at 0, 1, 2, 3.5
     * and 5 GeV.
     */
    public static Config square(
        double low, double high, int points, int bins, double minBackground, double muMax) {
      double[] axis = evenly(low, high, points);
      return new Config(axis, axis, SOFT_MET_AXIS, bins, minBackground, muMax);
    }

    /** {@code points} evenly spaced values from {@code low} to {@code high}. */
    public static double[] evenly(double low, double high, int points) {
      double[] axis = new double[points];
      for (int i = 0; i < points; i++) {
        axis[i] = low + (high - low) * i / (points - 1);
      }
      return axis;
    }

    /**
     * The soft_met axis of {@link #square}: its whole range, denser at the top, where the score's
     * response grows fastest (measured on the quick preset: mu-hat +0.12 from 0 to 1 GeV, +0.3 from
     * 1 to 3, +1.3 from 3 to 5).
     */
    private static final double[] SOFT_MET_AXIS = {0, 1, 2, 3.5, 5};

    /** The number of grid points. */
    public int points() {
      return jes.length * tes.length * softMet.length;
    }

    /** The row-major index of grid point (jes[i], tes[j], softMet[l]) (soft_met fastest). */
    public int index(int i, int j, int l) {
      return (i * tes.length + j) * softMet.length + l;
    }
  }

  /**
   * The trained models a dataset goes through before it is a histogram; {@code cnfs} null for a
   * classifier trained without the CNF columns (the ablation).
   */
  public record Models(Preprocessor preprocessor, Map<JetCategory, CnfSet> cnfs, Classifier dnn) {}

  /**
   * The stage's product: per physics process present in the pool, its score histogram (expected
   * events in the merged bins) at every grid point, in the order of {@link Config#index}.
   *
   * @param config the grid and binning
   * @param binOf per uniform bin of the concatenated heads ({@code 2 x config.bins()}), the
   *     template bin it was merged into: from 0, non-decreasing in steps of 0 or 1, a head's bins
   *     apart
   * @param processes the physics processes, in {@link PhysicsProcess} order
   * @param histograms per process, per grid point, per template bin
   */
  public record Templates(
      Config config, int[] binOf, List<PhysicsProcess> processes, List<double[][]> histograms) {

    /** Checks the merging and one histogram set per process, one per grid point, of every bin. */
    public Templates {
      if (binOf == null) {
        throw new IllegalArgumentException(
            "templates without a bin map (binOf): written before bins were merged, rebuild them");
      }
      binOf = binOf.clone();
      checkMerging(binOf, config.bins());
      processes = List.copyOf(processes);
      histograms = List.copyOf(histograms);
      int bins = binOf[binOf.length - 1] + 1;
      int points = config.points();
      if (processes.size() != histograms.size()) {
        throw new IllegalArgumentException(
            processes.size() + " processes but " + histograms.size() + " template sets");
      }
      for (int k = 0; k < histograms.size(); k++) {
        double[][] h = histograms.get(k);
        if (h.length != points) {
          throw new IllegalArgumentException(
              processes.get(k) + ": " + h.length + " templates for " + points + " grid points");
        }
        for (double[] template : h) {
          if (template.length != bins) {
            throw new IllegalArgumentException(
                processes.get(k) + ": a template of " + template.length + " bins, not " + bins);
          }
        }
      }
    }

    private static void checkMerging(int[] binOf, int bins) {
      if (binOf.length != 2 * bins || binOf[0] != 0) {
        throw new IllegalArgumentException(
            "binOf must map the "
                + 2 * bins
                + " uniform bins from template bin 0, not "
                + Arrays.toString(binOf));
      }
      for (int b = 1; b < binOf.length; b++) {
        int step = binOf[b] - binOf[b - 1];
        if (step < 0 || step > 1 || (b == bins && step != 1)) {
          throw new IllegalArgumentException(
              "binOf must merge neighbouring bins of one head only: "
                  + Arrays.toString(binOf)
                  + " at bin "
                  + b);
        }
      }
    }

    /** The number of template bins (after merging). */
    public int bins() {
      return binOf[binOf.length - 1] + 1;
    }

    /** A histogram of the uniform bins summed into the template bins. */
    public double[] merge(double[] uniform) {
      return TemplateStage.merge(binOf, uniform);
    }

    /**
     * The score histogram of a dataset in the template bins (weights as counts; a
     * pseudo-experiment's are 1): the observed counts of the binned likelihood.
     */
    public double[] observed(EventTable data, Models models) {
      double[] h = new double[binOf.length];
      for (double[] part : TemplateStage.histograms(data, models, config.bins()).values()) {
        for (int b = 0; b < h.length; b++) {
          h[b] += part[b];
        }
      }
      return merge(h);
    }

    /**
     * The score range of every template bin on the concatenated axis (one jet: 0-1, two or more:
     * 1-2), as {lower edges, upper edges}.
     */
    public double[][] edges() {
      double[][] e = new double[2][bins()];
      Arrays.fill(e[0], Double.POSITIVE_INFINITY);
      for (int b = 0; b < binOf.length; b++) {
        e[0][binOf[b]] = Math.min(e[0][binOf[b]], (double) b / config.bins());
        e[1][binOf[b]] = (double) (b + 1) / config.bins();
      }
      return e;
    }

    /** The file name of {@link #save}. */
    static final String FILE = "templates.json";

    /** Writes the templates as JSON into the directory (created if needed). */
    public void save(Path directory) throws IOException {
      Json.write(directory.resolve(FILE), this);
    }

    /** Reads templates written by {@link #save}. */
    public static Templates load(Path directory) throws IOException {
      return Json.read(
          directory.resolve(FILE),
          Templates.class,
          "HiggsML template set",
          t -> t.config() != null);
    }

    /** The templates of a process at a grid point (jes[i], tes[j], softMet[l]). */
    public double[] at(PhysicsProcess process, int i, int j, int l) {
      return histograms.get(processes.indexOf(process))[config.index(i, j, l)];
    }

    /**
     * The binned likelihood: one process per physics process, each scaled by mu (signal) or its
     * normalization nuisances ({@link NuisanceParameters#normalizations}); the observed counts are
     * the nominal expectation (replace them with {@link BinnedTemplateNll#withObserved}).
     * Parameters: mu, jes, tes, soft_met, then bkg_scale, ttbar_scale, diboson_scale as far as a
     * present process needs them.
     */
    public BinnedTemplateNll likelihood() {
      List<String> axesNames =
          List.of(Nuisance.JES.label(), Nuisance.TES.label(), Nuisance.SOFT_MET.label());
      List<double[]> axes = List.of(config.jes(), config.tes(), config.softMet());
      List<Parameter> parameters = new ArrayList<>();
      parameters.add(Config.mu(config.muMax()));
      parameters.add(onGrid(Nuisance.JES.parameter(), config.jes()));
      parameters.add(onGrid(Nuisance.TES.parameter(), config.tes()));
      parameters.add(onGrid(Nuisance.SOFT_MET.parameter(), config.softMet()));
      List<Process> likelihoodProcesses = new ArrayList<>();
      for (int k = 0; k < processes.size(); k++) {
        PhysicsProcess p = processes.get(k);
        List<String> norms = new ArrayList<>();
        if (p.isSignal()) {
          norms.add("mu");
        }
        for (Nuisance n : NuisanceParameters.normalizations(p)) {
          norms.add(n.label());
          if (parameters.stream().noneMatch(q -> q.name().equals(n.label()))) {
            parameters.add(n.parameter());
          }
        }
        likelihoodProcesses.add(
            new Process(
                p.name().toLowerCase(Locale.ROOT),
                new TemplateGrid(axesNames, axes, histograms.get(k)),
                norms));
      }
      BinnedTemplateNll model =
          new BinnedTemplateNll(Parameters.of(parameters), likelihoodProcesses, new double[bins()]);
      return model.asimov(model.parameters().initialValues());
    }
  }

  /**
   * The templates of {@code pool}: at each grid point the pool shifted by (tes, jes) with the other
   * nuisances nominal, scored and histogrammed per physics process with the events' weights.
   */
  public static Templates build(EventTable pool, Models models, Config config) {
    return build(pool, models, config, null);
  }

  /** {@link #build(EventTable, Models, Config)}, advancing {@code progress} per grid point. */
  public static Templates build(EventTable pool, Models models, Config config, Progress progress) {
    List<PhysicsProcess> present = new ArrayList<>();
    for (PhysicsProcess p : PhysicsProcess.values()) {
      if (pool.count(p) > 0) {
        present.add(p);
      }
    }
    int points = config.points();
    List<double[][]> histograms = new ArrayList<>();
    present.forEach(p -> histograms.add(new double[points][]));
    List<NuisanceParameters> grid = new ArrayList<>();
    for (double jes : config.jes()) {
      for (double tes : config.tes()) {
        for (double softMet : config.softMet()) {
          grid.add(new NuisanceParameters(tes, jes, softMet, 1, 1, 1));
        }
      }
    }
    List<Map<PhysicsProcess, double[]>> byPoint =
        Ahead.map(
            grid,
            nu -> Systematics.apply(pool, nu, new SplittableRandom(SOFT_MET_SEED)).events(),
            (nu, shifted) -> {
              Map<PhysicsProcess, double[]> h = histograms(shifted, models, config.bins());
              if (progress != null) {
                progress.step();
              }
              return h;
            },
            "template systematics");
    for (int g = 0; g < points; g++) {
      for (int k = 0; k < present.size(); k++) {
        histograms.get(k)[g] =
            byPoint.get(g).getOrDefault(present.get(k), new double[2 * config.bins()]);
      }
    }
    int[] binOf = merging(present, histograms, config);
    List<double[][]> merged = new ArrayList<>();
    for (double[][] h : histograms) {
      merged.add(Arrays.stream(h).map(u -> merge(binOf, u)).toArray(double[][]::new));
    }
    return new Templates(config, binOf, present, merged);
  }

  /** The uniform bins of a histogram summed into the template bins of {@code binOf}. */
  static double[] merge(int[] binOf, double[] uniform) {
    if (uniform.length != binOf.length) {
      throw new IllegalArgumentException(
          "a histogram of " + uniform.length + " bins, not " + binOf.length);
    }
    double[] merged = new double[binOf[binOf.length - 1] + 1];
    for (int b = 0; b < uniform.length; b++) {
      merged[binOf[b]] += uniform[b];
    }
    return merged;
  }

  /**
   * The template bin of every uniform bin: per head, from the top score down, uniform bins are
   * gathered until their background reaches {@link Config#minBackground()} (and is positive) at
   * every grid point; a remainder at the head's bottom joins the bin above it.
   *
   * @throws IllegalStateException if a head's whole background is not enough at some grid point
   */
  static int[] merging(List<PhysicsProcess> processes, List<double[][]> uniform, Config config) {
    int bins = config.bins();
    int points = config.points();
    double[][] background = new double[points][2 * bins];
    for (int k = 0; k < processes.size(); k++) {
      if (!processes.get(k).isSignal()) {
        for (int g = 0; g < points; g++) {
          for (int b = 0; b < 2 * bins; b++) {
            background[g][b] += uniform.get(k)[g][b];
          }
        }
      }
    }
    int[] group = new int[2 * bins];
    int next = 0;
    for (int head = 0; head < 2; head++) {
      List<Integer> tops = new ArrayList<>();
      double[] gathered = new double[points];
      int top = (head + 1) * bins - 1;
      for (int b = top; b >= head * bins; b--) {
        double least = Double.POSITIVE_INFINITY;
        for (int g = 0; g < points; g++) {
          gathered[g] += background[g][b];
          least = Math.min(least, gathered[g]);
        }
        if (least > 0 && least >= config.minBackground()) {
          tops.add(top);
          top = b - 1;
          Arrays.fill(gathered, 0);
        }
      }
      if (tops.isEmpty()) {
        throw new IllegalStateException(
            String.format(
                Locale.ROOT,
                "the %s head's templates hold less than %s expected background events (or none) at"
                    + " some grid point: enlarge the template pool or lower minBackground",
                TrainingSets.ANALYSIS_CATEGORIES.get(head),
                config.minBackground()));
      }
      // bins below the lowest full group join it; groups are numbered from the bottom up
      for (int t = tops.size() - 1; t >= 0; t--) {
        int low = t == tops.size() - 1 ? head * bins : tops.get(t + 1) + 1;
        for (int b = low; b <= tops.get(t); b++) {
          group[b] = next;
        }
        next++;
      }
    }
    return group;
  }

  /** The parameter bounded by its grid axis (templates are not extrapolated), prior kept. */
  private static Parameter onGrid(Parameter p, double[] axis) {
    double lower = Math.max(p.lower(), axis[0]);
    double upper = Math.min(p.upper(), axis[axis.length - 1]);
    return new Parameter(p.name(), p.initial(), lower, upper, false, p.constraint());
  }

  /**
   * The DNN score of every event of the analysed categories and its classifier head (score NaN and
   * head -1 for a 0-jet event): the one scoring path of the templates, the observed histograms and
   * {@link ScoreResponse}.
   *
   * @param score per row of the table
   * @param head per row, the classifier head ({@link TrainingSets#head})
   */
  record Scored(double[] score, int[] head) {}

  /** Scores every event of the table through the preprocessor, the CNFs and the DNN. */
  static Scored score(EventTable events, Models models) {
    double[] score = new double[events.size()];
    int[] head = new int[events.size()];
    Arrays.fill(score, Double.NaN);
    Arrays.fill(head, -1);
    for (JetCategory cat : TrainingSets.ANALYSIS_CATEGORIES) {
      int[] rows = cat.rows(events);
      if (rows.length == 0) {
        continue;
      }
      FeatureMatrix inputs =
          ClassifierStage.inputs(
              models.preprocessor().transform(events, cat),
              cat,
              models.cnfs() == null ? null : models.cnfs().get(cat),
              8192);
      double[] s = models.dnn().scores(inputs, 8192);
      for (int i = 0; i < s.length; i++) {
        score[rows[i]] = s[i];
        head[rows[i]] = TrainingSets.head(cat);
      }
    }
    return new Scored(score, head);
  }

  /** The bin of a score in the concatenated histogram of {@code bins} bins per head. */
  static int bin(double score, int head, int bins) {
    return head * bins + Math.min((int) (score * bins), bins - 1);
  }

  /** Weighted score histograms of the analysed categories, concatenated, per physics process. */
  private static Map<PhysicsProcess, double[]> histograms(
      EventTable events, Models models, int bins) {
    Map<PhysicsProcess, double[]> h = new EnumMap<>(PhysicsProcess.class);
    Scored scored = score(events, models);
    for (int row = 0; row < events.size(); row++) {
      if (scored.head()[row] >= 0) {
        h.computeIfAbsent(events.process(row), p -> new double[2 * bins])[
                bin(scored.score()[row], scored.head()[row], bins)] +=
            events.weights()[row];
      }
    }
    return h;
  }
}
