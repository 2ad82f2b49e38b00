package org.cnflows.higgsml.analysis;

import ai.djl.Device;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.cnflows.contrastive.Classifier;
import org.cnflows.flows.TrainingListener;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.Preprocessor;
import org.cnflows.stats.intervals.NeymanBelt;

/**
 * The stages of the methods the analysis is compared with (the CNF paper's Table 2 and the
 * challenge's starting kits), each cached like the analysis's own ({@link StageCache}) so that a
 * rerun with another {@code --methods} selection reuses what was trained:
 *
 * <ul>
 *   <li>{@value #PLAIN_CLASSIFIER}: the two-headed DNN trained on the same augmented sub-datasets
 *       and settings as the analysis's but without the CNF columns (also the ablation's);
 *   <li>{@value #PLAIN_TEMPLATES}: its score templates on the analysis's grid and pool;
 *   <li>{@value #BASELINE_BELT}: the belt of {@link Baseline} (toys at nominal nuisances);
 *   <li>{@value #COUNTING}: beta and gamma of {@link CountingModel} on the template pool;
 *   <li>{@value #ONE_SYST}: the per-bin polynomials of {@link OneSystematicModel} on the pool;
 *   <li>{@value #MLE_NU_CLASSIFIER}: the DNN of {@link MleNu}, fed the nuisance blocks;
 *   <li>{@value #MLE_NU_BELT}: its belt from event-level pseudo-experiments, on at most {@value
 *       #MLE_NU_BELT_POINTS} of the analysis's belt's mu values with as many toys per value as the
 *       analysis's belt (at least {@link NeymanBelt.Config#minimumToys}): every toy runs the whole
 *       method, nu-hat search and template rebuild included, so this is the costly stage of the
 *       comparison. With a quarter of the toys (50 at quick) the belt's edges were noisy enough to
 *       under-cover: 0.600 on quick's 200 pseudo-experiments, 0.650 with 200 toys.
 * </ul>
 *
 * Stages are computed on first use only. Closing this closes the classifiers it loaded or trained.
 */
final class ComparisonStages implements AutoCloseable {

  /** Every method, in the order of reports. */
  static final List<String> METHODS =
      List.of(
          HiggsMlPredictor.NAME,
          MleNu.NAME,
          Baseline.NAME,
          CountingModel.NAME,
          OneSystematicModel.NAME);

  static final String PLAIN_CLASSIFIER = "plain-classifier";
  static final String PLAIN_TEMPLATES = "plain-templates";
  static final String BASELINE_BELT = "baseline-belt";
  static final String COUNTING = "counting";
  static final String ONE_SYST = "one-syst";
  static final String MLE_NU_CLASSIFIER = "mle-nu-classifier";
  static final String MLE_NU_BELT = "mle-nu-belt";

  /** The most mu values of the mle-nu belt (its toys are event-level pseudo-experiments). */
  static final int MLE_NU_BELT_POINTS = 9;

  private final StageCache cache;
  private final HiggsMlAnalysis.Config config;
  private final Preprocessor pre;
  private final Supplier<TrainingSets.Augmented> augmented;
  private final Supplier<EventTable> dnnEvents;
  private final EvaluationStage.Source experiments;
  private final Supplier<EventTable> templatePool;
  private final Device device;
  private final PrintStream out;
  private final Map<String, Double> seconds;
  private final Set<String> cached;
  private final String dataKey;
  private final String plainKey;
  private final String plainTemplatesKey;
  private final Supplier<Classifier> plainClassifier;
  private final Supplier<TemplateStage.Templates> plainTemplates;
  private final String mleNuClassifierKey;
  private final Supplier<Classifier> mleNuClassifier;
  private Classifier opened;
  private Classifier mleNuOpened;

  /**
   * @param cache the run's output directory
   * @param config the run's settings
   * @param pre the preprocessor
   * @param preKey the key of the DNNs' training events (the preprocessor's stage key and the half
   *     of the pool they come from)
   * @param dataKey the key of the template pool and luminosity
   * @param augmented the DNN's augmented training sub-datasets
   * @param dnnEvents the events they were drawn from (mle-nu draws its own sub-datasets)
   * @param experiments where pseudo-experiments come from (the mle-nu belt's toys)
   * @param templatePool the template pool (expected events at the run's luminosity)
   * @param device where the models live
   * @param out progress
   * @param seconds the run's stage times, to which these stages add theirs
   * @param cached the run's cached stages, to which these stages add theirs
   */
  ComparisonStages(
      StageCache cache,
      HiggsMlAnalysis.Config config,
      Preprocessor pre,
      String preKey,
      String dataKey,
      Supplier<TrainingSets.Augmented> augmented,
      Supplier<EventTable> dnnEvents,
      EvaluationStage.Source experiments,
      Supplier<EventTable> templatePool,
      Device device,
      PrintStream out,
      Map<String, Double> seconds,
      Set<String> cached) {
    this.cache = cache;
    this.config = config;
    this.pre = pre;
    this.augmented = augmented;
    this.dnnEvents = dnnEvents;
    this.experiments = experiments;
    this.templatePool = templatePool;
    this.device = device;
    this.out = out;
    this.seconds = seconds;
    this.cached = cached;
    this.dataKey = dataKey;
    this.plainKey =
        StageCache.key(
            PLAIN_CLASSIFIER, preKey, config.subsets(), config.eventsPerSubset(), config.dnn());
    this.plainTemplatesKey = StageCache.key(PLAIN_TEMPLATES, plainKey, dataKey, config.templates());
    this.plainClassifier = HiggsMlAnalysis.memoized(this::trainPlain);
    this.plainTemplates = HiggsMlAnalysis.memoized(this::buildPlainTemplates);
    this.mleNuClassifierKey =
        StageCache.key(
            MLE_NU_CLASSIFIER,
            preKey,
            config.subsets(),
            config.eventsPerSubset(),
            MleNu.SUBSET_EVENTS,
            "tes-jes-uniform",
            config.dnn(),
            config.seed());
    this.mleNuClassifier = HiggsMlAnalysis.memoized(this::trainMleNu);
  }

  /**
   * The methods of a comma-separated list, validated, in the order of {@link #METHODS}; the
   * analysis's own ({@value HiggsMlPredictor#NAME}) is always among them.
   *
   * @throws IllegalArgumentException naming an unknown method and the known ones
   */
  static List<String> select(String names) {
    List<String> asked = new ArrayList<>();
    for (String n : names.split(",")) {
      String name = n.strip();
      if (!name.isEmpty() && !METHODS.contains(name)) {
        throw new IllegalArgumentException(
            "method '" + name + "' is not one of " + String.join(", ", METHODS));
      }
      asked.add(name);
    }
    return METHODS.stream()
        .filter(m -> m.equals(HiggsMlPredictor.NAME) || asked.contains(m))
        .toList();
  }

  /** The no-CNF templates (the baseline's, and the ablation's comparison). */
  TemplateStage.Templates plainTemplates() {
    return plainTemplates.get();
  }

  /**
   * A comparison method by name (not {@value HiggsMlPredictor#NAME}, which the run builds), its
   * stages computed or loaded.
   *
   * @throws IllegalArgumentException if the name is not a comparison method
   */
  Method method(String name) {
    return switch (name) {
      case Baseline.NAME ->
          Baseline.method(
              plainModels(),
              plainTemplates(),
              stage(
                  BASELINE_BELT,
                  key(name),
                  () ->
                      Baseline.belt(
                          plainTemplates().likelihood(),
                          new BeltStage.Config(
                              config.beltGrid(),
                              config.beltToys(),
                              0.6827,
                              config.seed() + 7,
                              Runtime.getRuntime().availableProcessors())),
                  NeymanBelt::save,
                  NeymanBelt::load));
      case CountingModel.NAME ->
          new CountingModel(
              plainModels(),
              stage(
                  COUNTING,
                  key(name),
                  () -> CountingModel.calibrate(templatePool.get(), plainModels()),
                  CountingModel.Calibration::save,
                  CountingModel.Calibration::load));
      case OneSystematicModel.NAME ->
          new OneSystematicModel(
              plainModels(),
              stage(
                  ONE_SYST,
                  key(name),
                  () -> OneSystematicModel.fit(templatePool.get(), plainModels()),
                  OneSystematicModel.Polynomials::save,
                  OneSystematicModel.Polynomials::load));
      case MleNu.NAME -> {
        MleNu method =
            new MleNu(pre, mleNuClassifier.get(), templatePool.get(), mleNuConfig(), null);
        double[] grid = mleNuGrid();
        int toys = mleNuToys();
        yield method.withBelt(
            stage(
                MLE_NU_BELT,
                key(name),
                () ->
                    method.belt(
                        experiments,
                        grid,
                        toys,
                        config.seed() + 8,
                        new Progress(out, "mle-nu belt toys", (long) grid.length * toys)),
                NeymanBelt::save,
                NeymanBelt::load));
      }
      default -> throw unknown(name);
    };
  }

  /** The mu values of mle-nu's belt: at most {@value #MLE_NU_BELT_POINTS} of the analysis's. */
  private double[] mleNuGrid() {
    return thin(config.beltGrid(), MLE_NU_BELT_POINTS);
  }

  /** The toys per mu value of mle-nu's belt. */
  private int mleNuToys() {
    return Math.max(NeymanBelt.Config.minimumToys(0.6827), config.beltToys());
  }

  /**
   * mle-nu's score bins per head, uniform and not merged: its templates are rebuilt at every
   * nuisance value of a fit, so one merge map built on a grid does not apply to them. 20 is the
   * binning of its documented runs, kept apart from the analysis's bins so that those stay valid.
   */
  static final int MLE_NU_BINS = 20;

  /** The settings of mle-nu. */
  private MleNu.Config mleNuConfig() {
    return new MleNu.Config(20_000, 200_000, MLE_NU_BINS, config.templates().muMax());
  }

  /** At most {@code most} values of an increasing grid, evenly picked, first and last kept. */
  static double[] thin(double[] grid, int most) {
    if (grid.length <= most) {
      return grid.clone();
    }
    double[] picked = new double[most];
    for (int i = 0; i < most; i++) {
      picked[i] = grid[(int) Math.round((double) i * (grid.length - 1) / (most - 1))];
    }
    return picked;
  }

  private Classifier trainMleNu() {
    mleNuOpened =
        classifier(
            MLE_NU_CLASSIFIER,
            mleNuClassifierKey,
            "mle-nu DNN steps",
            listener ->
                MleNu.train(
                    MleNu.trainingSets(
                        dnnEvents.get(),
                        pre,
                        (long) config.subsets() * config.eventsPerSubset(),
                        config.seed() + 10),
                    config.dnn(),
                    config.seed() + 9,
                    device,
                    listener));
    return mleNuOpened;
  }

  /** The stages whose compute time a method costs when it is run alone, besides predicting. */
  static List<String> stagesOf(String method) {
    return switch (method) {
      case HiggsMlPredictor.NAME -> List.of("cnfs", "classifier", "templates", "belt");
      case Baseline.NAME -> List.of(PLAIN_CLASSIFIER, PLAIN_TEMPLATES, BASELINE_BELT);
      case CountingModel.NAME -> List.of(PLAIN_CLASSIFIER, COUNTING);
      case OneSystematicModel.NAME -> List.of(PLAIN_CLASSIFIER, ONE_SYST);
      case MleNu.NAME -> List.of(MLE_NU_CLASSIFIER, MLE_NU_BELT);
      default -> throw unknown(method);
    };
  }

  /**
   * The key of a comparison method's last stage, which depends on all its trained parts (its
   * evaluation's key adds the pseudo-experiments').
   */
  String key(String method) {
    return switch (method) {
      case Baseline.NAME ->
          StageCache.key(
              BASELINE_BELT,
              plainTemplatesKey,
              config.beltGrid(),
              config.beltToys(),
              config.seed(),
              BeltStage.ORDERING,
              config.templates().muRange());
      case CountingModel.NAME -> StageCache.key(COUNTING, plainKey, dataKey);
      case OneSystematicModel.NAME ->
          StageCache.key(
              ONE_SYST,
              plainKey,
              dataKey,
              OneSystematicModel.BINS,
              OneSystematicModel.POINTS,
              OneSystematicModel.DEGREE);
      case MleNu.NAME ->
          StageCache.key(
              MLE_NU_BELT,
              mleNuClassifierKey,
              dataKey,
              mleNuConfig(),
              MleNu.CALIBRATION_POINTS,
              MleNu.STEP,
              MleNu.SEARCH,
              BeltStage.ORDERING,
              TemplateStage.Config.muRange(mleNuConfig().muMax()),
              mleNuGrid(),
              mleNuToys(),
              config.seed());
      default -> throw unknown(method);
    };
  }

  private static IllegalArgumentException unknown(String method) {
    return new IllegalArgumentException(
        "'" + method + "' is not a comparison method (" + String.join(", ", METHODS) + ")");
  }

  private TemplateStage.Models plainModels() {
    return new TemplateStage.Models(pre, null, plainClassifier.get());
  }

  private Classifier trainPlain() {
    opened =
        classifier(
            PLAIN_CLASSIFIER,
            plainKey,
            "no-CNF DNN steps",
            listener ->
                ClassifierStage.train(
                    augmented.get().sets(), null, config.dnn(), device, listener));
    return opened;
  }

  /** A classifier stage: trained with a progress bar over the DNN's steps, saved, reloaded. */
  private Classifier classifier(
      String name, String key, String steps, Function<TrainingListener, Classifier> training) {
    return stage(
        name,
        key,
        () ->
            training.apply(
                new Progress(out, steps, config.dnn().steps())
                    .trainingListener(config.dnn().steps())),
        (model, dir) -> model.save(dir),
        dir -> Classifier.load(dir, device));
  }

  private TemplateStage.Templates buildPlainTemplates() {
    return stage(
        PLAIN_TEMPLATES,
        plainTemplatesKey,
        () ->
            TemplateStage.build(
                templatePool.get(),
                plainModels(),
                config.templates(),
                new Progress(out, "no-CNF template grid points", config.templates().points())),
        TemplateStage.Templates::save,
        TemplateStage.Templates::load);
  }

  private <T> T stage(
      String name,
      String key,
      StageCache.Producer<T> producer,
      StageCache.Saver<T> saver,
      StageCache.Loader<T> loader) {
    return HiggsMlAnalysis.record(
        name, cache.stage(name, key, producer, saver, loader), seconds, cached);
  }

  @Override
  public void close() {
    for (Classifier c : new Classifier[] {opened, mleNuOpened}) {
      if (c != null) {
        c.close();
      }
    }
  }
}
