package org.cnflows.higgsml.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.Json;
import org.cnflows.common.Seeds;
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

  /** The seed of the soft_met draws (the same for every analysis: the templates' average). */
  private static final long SOFT_MET_SEED = 0x50f7;

  /**
   * The settings of the stage.
   *
   * @param jes the grid of jes values, strictly increasing
   * @param tes the grid of tes values, strictly increasing
   * @param bins score bins per category, uniform on [0, 1]
   * @param muMax the upper bound of mu in fits
   * @param softMetDraws soft_met is not a parameter of the likelihood, so the templates are its
   *     average over the prior: the pool is split into this many parts (by row, the same at every
   *     grid point), each shifted with its own soft_met drawn from the prior; 0 keeps soft_met at
   *     its nominal 0
   */
  public record Config(double[] jes, double[] tes, int bins, double muMax, int softMetDraws) {

    /** Validates the grid and copies it. */
    public Config {
      if (jes == null || tes == null || jes.length < 2 || tes.length < 2) {
        throw new IllegalArgumentException("the (jes, tes) grid needs at least 2 values per axis");
      }
      if (bins < 1 || !(muMax > 0) || softMetDraws < 0) {
        throw new IllegalArgumentException(
            "bins = "
                + bins
                + " must be >= 1, muMax = "
                + muMax
                + " > 0 and softMetDraws = "
                + softMetDraws
                + " >= 0");
      }
      jes = jes.clone();
      tes = tes.clone();
    }

    /**
     * Evenly spaced axes from {@code low} to {@code high} for both nuisances, soft_met averaged
     * over {@link #SOFT_MET_DRAWS} draws of its prior.
     */
    public static Config square(double low, double high, int points, int bins, double muMax) {
      double[] axis = new double[points];
      for (int i = 0; i < points; i++) {
        axis[i] = low + (high - low) * i / (points - 1);
      }
      return new Config(axis, axis, bins, muMax, SOFT_MET_DRAWS);
    }

    /** The soft_met draws of {@link #square}. */
    public static final int SOFT_MET_DRAWS = 16;
  }

  /**
   * The trained models a dataset goes through before it is a histogram; {@code cnfs} null for a
   * classifier trained without the CNF columns (the ablation).
   */
  public record Models(Preprocessor preprocessor, Map<JetCategory, CnfSet> cnfs, Classifier dnn) {}

  /**
   * The stage's product: per physics process present in the pool, its score histogram ({@code 2 x
   * bins} expected events) at every grid point, jes-major ({@code histograms.get(p)[i * tes.length
   * + j]} at (jes[i], tes[j])).
   *
   * @param config the grid and binning
   * @param processes the physics processes, in {@link PhysicsProcess} order
   * @param histograms per process, per grid point, per bin
   */
  public record Templates(
      Config config, List<PhysicsProcess> processes, List<double[][]> histograms) {

    /** Checks one histogram set per process, one histogram per grid point, 2 x bins each. */
    public Templates {
      processes = List.copyOf(processes);
      histograms = List.copyOf(histograms);
      int points = config.jes().length * config.tes().length;
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
        for (double[] bins : h) {
          if (bins.length != 2 * config.bins()) {
            throw new IllegalArgumentException(
                processes.get(k)
                    + ": a template of "
                    + bins.length
                    + " bins, not "
                    + 2 * config.bins());
          }
        }
      }
    }

    /** The file name of {@link #save}. */
    static final String FILE = "templates.json";

    /** Writes the templates as JSON into the directory (created if needed). */
    public void save(Path directory) throws IOException {
      Files.createDirectories(directory);
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

    /** The templates of a process at a grid point (jes[i], tes[j]). */
    public double[] at(PhysicsProcess process, int i, int j) {
      return histograms.get(processes.indexOf(process))[i * config.tes().length + j];
    }

    /**
     * The binned likelihood: one process per physics process, each scaled by mu (signal) or its
     * normalization nuisances ({@link NuisanceParameters#normalizations}); the observed counts are
     * the nominal expectation (replace them with {@link BinnedTemplateNll#withObserved}).
     * Parameters: mu, jes, tes, then bkg_scale, ttbar_scale, diboson_scale as far as a present
     * process needs them.
     */
    public BinnedTemplateNll likelihood() {
      List<String> axesNames = List.of(Nuisance.JES.label(), Nuisance.TES.label());
      List<double[]> axes = List.of(config.jes(), config.tes());
      List<Parameter> parameters = new ArrayList<>();
      parameters.add(Parameter.of("mu", 1, 0, config.muMax()));
      parameters.add(onGrid(Nuisance.JES.parameter(), config.jes()));
      parameters.add(onGrid(Nuisance.TES.parameter(), config.tes()));
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
          new BinnedTemplateNll(
              Parameters.of(parameters), likelihoodProcesses, new double[2 * config.bins()]);
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
    int points = config.jes().length * config.tes().length;
    List<double[][]> histograms = new ArrayList<>();
    present.forEach(p -> histograms.add(new double[points][]));
    List<EventTable> parts = new ArrayList<>();
    double[] softMet = new double[Math.max(1, config.softMetDraws())];
    if (config.softMetDraws() == 0) {
      parts.add(pool);
    } else {
      for (int part = 0; part < softMet.length; part++) {
        softMet[part] = Nuisance.SOFT_MET.draw(Seeds.rng(SOFT_MET_SEED, part));
        int first = part;
        parts.add(
            pool.select(
                java.util.stream.IntStream.iterate(
                        first, i -> i < pool.size(), i -> i + softMet.length)
                    .toArray()));
      }
    }
    int g = 0;
    for (double jes : config.jes()) {
      for (double tes : config.tes()) {
        Map<PhysicsProcess, double[]> byProcess = new EnumMap<>(PhysicsProcess.class);
        for (int part = 0; part < parts.size(); part++) {
          NuisanceParameters nu = new NuisanceParameters(tes, jes, softMet[part], 1, 1, 1);
          EventTable shifted =
              Systematics.apply(parts.get(part), nu, new SplittableRandom(part)).events();
          histograms(shifted, models, config.bins())
              .forEach(
                  (p, h) -> {
                    double[] sum = byProcess.computeIfAbsent(p, q -> new double[h.length]);
                    for (int b = 0; b < h.length; b++) {
                      sum[b] += h[b];
                    }
                  });
        }
        for (int k = 0; k < present.size(); k++) {
          histograms.get(k)[g] =
              byProcess.getOrDefault(present.get(k), new double[2 * config.bins()]);
        }
        g++;
        if (progress != null) {
          progress.step();
        }
      }
    }
    return new Templates(config, present, histograms);
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
    double[] h = new double[2 * bins];
    for (double[] part : histograms(data, models, bins).values()) {
      for (int b = 0; b < h.length; b++) {
        h[b] += part[b];
      }
    }
    return h;
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
    java.util.Arrays.fill(score, Double.NaN);
    java.util.Arrays.fill(head, -1);
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
