package org.cnflows.higgsml.analysis;

import ai.djl.Device;
import java.io.PrintStream;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cnflows.contrastive.Classifier;
import org.cnflows.contrastive.CnfSet;
import org.cnflows.flows.TrainingListener;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.JetCategory;
import org.cnflows.higgsml.PhysicsProcess;
import org.cnflows.higgsml.Preprocessor;
import org.cnflows.higgsml.PseudoExperiments;
import org.cnflows.higgsml.SyntheticGenerator;
import org.cnflows.stats.coverage.HiggsMlScore;
import org.cnflows.stats.intervals.NeymanBelt;
import org.cnflows.stats.models.BinnedTemplateNll;

/**
 * The CNF paper's HiggsML analysis (Elsharkawy and Kahn 2025, Sec. 6.2) from events to a calibrated
 * interval for mu, its six stages in order: {@link TrainingSets}, {@link CnfStage}, {@link
 * ClassifierStage}, {@link TemplateStage}, {@link BeltStage}, {@link EvaluationStage}. The events
 * come from the synthetic generator (training, template and test pools from independent seeds) or
 * from the user's file (one pool for all three, weights as expected events at 10 fb^-1). Progress
 * and the time of every stage go to {@code out}.
 */
public final class HiggsMlAnalysis {

  private HiggsMlAnalysis() {}

  /**
   * The settings of a run.
   *
   * @param name the preset's name
   * @param seed the master seed (every stage derives its own)
   * @param luminosity fb^-1 of the templates and the test pseudo-experiments (the challenge: 10)
   * @param trainPerProcess synthetic training events per process
   * @param templateOversampling synthetic template events per expected event at the luminosity, per
   *     process (the templates' Monte Carlo variance is 1/oversampling of the data's Poisson
   *     variance in every bin; the belt does not know it, so keep it well above 1)
   * @param templateMinimum the fewest synthetic template events of any process
   * @param cnf the CNF stage
   * @param subsets K, the augmented sub-datasets of the DNN
   * @param eventsPerSubset events drawn for each sub-dataset (capped at the pool's size)
   * @param dnn the classifier stage
   * @param templates the template stage
   * @param beltGrid the true mu values of the belt; cover [0, the templates' muMax] so that every
   *     mu-hat lies inside the belt
   * @param beltToys toys per belt point
   * @param evaluation the sets of test pseudo-experiments
   */
  public record Config(
      String name,
      long seed,
      double luminosity,
      int trainPerProcess,
      double templateOversampling,
      int templateMinimum,
      CnfStage.Config cnf,
      int subsets,
      int eventsPerSubset,
      ClassifierStage.Config dnn,
      TemplateStage.Config templates,
      double[] beltGrid,
      int beltToys,
      EvaluationStage.Config evaluation) {

    /** Validates the scalars and copies the grid. */
    public Config {
      if (!(luminosity > 0) || Double.isInfinite(luminosity)) {
        throw new IllegalArgumentException("luminosity = " + luminosity + " fb^-1 must be > 0");
      }
      if (trainPerProcess < 2 || templateMinimum < 2) {
        throw new IllegalArgumentException(
            "events per process (training "
                + trainPerProcess
                + ", templates at least "
                + templateMinimum
                + ") must be >= 2");
      }
      if (!(templateOversampling > 0) || Double.isInfinite(templateOversampling)) {
        throw new IllegalArgumentException(
            "templateOversampling = " + templateOversampling + " must be > 0");
      }
      beltGrid = beltGrid.clone();
    }

    /**
     * The CI preset: the pipeline's invariants in well under a minute on 2 cores, not its physics
     * (tiny models, 1 fb^-1, 2 x 4 pseudo-experiments).
     */
    public static Config smoke(long seed) {
      return new Config(
          "smoke",
          seed,
          1.0,
          1500,
          3.0,
          3000,
          new CnfStage.Config(2, 16, 1, 60, 256, 1e-3, seed),
          4,
          2000,
          new ClassifierStage.Config(32, 2, 200, 256, 3e-3, seed),
          TemplateStage.Config.square(0.97, 1.03, 3, 10, 6),
          new double[] {0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6},
          40,
          new EvaluationStage.Config(2, 4, seed));
    }

    /** These settings with another number of test sets and pseudo-experiments per set. */
    public Config withEvaluation(int sets, int perSet) {
      return with(luminosity, new EvaluationStage.Config(sets, perSet, evaluation.seed()));
    }

    /** These settings at another luminosity. */
    public Config withLuminosity(double fb) {
      return with(fb, evaluation);
    }

    private Config with(double fb, EvaluationStage.Config eval) {
      return new Config(
          name,
          seed,
          fb,
          trainPerProcess,
          templateOversampling,
          templateMinimum,
          cnf,
          subsets,
          eventsPerSubset,
          dnn,
          templates,
          beltGrid,
          beltToys,
          eval);
    }
  }

  /**
   * What a run produced.
   *
   * @param config its settings
   * @param shares the training pool's signal and background per jet category
   * @param outcomes every test pseudo-experiment
   * @param report the challenge's figures
   * @param seconds wall time per stage, in order
   */
  public record Result(
      Config config,
      CategoryShares shares,
      List<EvaluationStage.Outcome> outcomes,
      EvaluationStage.Report report,
      Map<String, Double> seconds) {

    /** Copies the collections. */
    public Result {
      outcomes = List.copyOf(outcomes);
      seconds = Collections.unmodifiableMap(new LinkedHashMap<>(seconds));
    }

    /** The results table as Markdown: the Table 2 columns, pooled and per set. */
    public String markdown() {
      StringBuilder b = new StringBuilder();
      b.append("| set | pseudo-experiments | coverage | mean width | score |\n");
      b.append("| --- | --- | --- | --- | --- |\n");
      for (int s = 0; s < report.perSet().size(); s++) {
        var set = report.perSet().get(s);
        b.append(
            String.format(
                Locale.ROOT,
                "| %d (mu = %.3f) | %d | %.3f | %.3f | %.3f |%n",
                s,
                set.truth()[0],
                set.size(),
                set.coverage(),
                set.width(),
                HiggsMlScore.score(set, HiggsMlScore.DEFAULT_EPS)));
      }
      b.append(
          String.format(
              Locale.ROOT,
              "| pooled | %d | %.3f | %.3f | %.3f (bootstrap %.3f +- %.3f) |%n",
              report.pooled().size(),
              report.pooled().coverage(),
              report.pooled().width(),
              report.score(),
              report.bootstrap().mean(),
              report.bootstrap().std()));
      b.append(String.format(Locale.ROOT, "%nRMSE of mu-hat: %.3f%n", report.rmse()));
      return b.toString();
    }
  }

  /**
   * Runs the six stages.
   *
   * @param config the settings
   * @param data the user's events as the one pool (weights = expected events at 10 fb^-1), or null
   *     for the synthetic generator
   * @param device where the models live
   * @param out progress and timings
   */
  public static Result run(Config config, EventTable data, Device device, PrintStream out) {
    Map<String, Double> seconds = new LinkedHashMap<>();
    long t = System.nanoTime();
    EventTable train = data != null ? data : synthetic(config.seed(), config.trainPerProcess());
    EventTable templatePool =
        (data != null ? data : templatePool(config)).withWeightsScaled(config.luminosity() / 10);
    EvaluationStage.Source experiments =
        data != null
            ? new PseudoExperiments(data.withWeightsScaled(config.luminosity() / 10))::generate
            : new SyntheticExperiments(config.luminosity())::generate;
    CategoryShares shares = CategoryShares.of(train);
    out.printf(
        Locale.ROOT,
        "[1/6] data: %s pool of %,d training events; 0-jet events dropped: %.1f%% of the signal,"
            + " %.1f%% of the background, %.1f%% of the counting S/sqrt(B)%n",
        data != null ? "user" : "synthetic",
        train.size(),
        100 * shares.signalFraction(JetCategory.ZERO),
        100 * shares.backgroundFraction(JetCategory.ZERO),
        100 * shares.sensitivityLossWithout(JetCategory.ZERO));
    Preprocessor pre = Preprocessor.fit(train);
    seconds.put("data", lap(t));
    t = System.nanoTime();
    Map<JetCategory, CnfSet> cnfs =
        CnfStage.train(
            TrainingSets.nominal(train, pre), config.cnf(), device, TrainingListener.NONE);
    try {
      seconds.put("cnfs", lap(t));
      out.printf(Locale.ROOT, "[2/6] CNFs: 8 flows trained in %.1f s%n", seconds.get("cnfs"));
      t = System.nanoTime();
      TrainingSets.Augmented augmented =
          TrainingSets.augmented(
              train,
              pre,
              config.subsets(),
              Math.min(config.eventsPerSubset(), train.size()),
              config.seed() + 3);
      try (Classifier dnn =
          ClassifierStage.train(
              augmented.sets(), cnfs, config.dnn(), device, TrainingListener.NONE)) {
        seconds.put("classifier", lap(t));
        out.printf(
            Locale.ROOT,
            "[3/6] classifier: %d sub-datasets, DNN trained in %.1f s%n",
            config.subsets(),
            seconds.get("classifier"));
        t = System.nanoTime();
        TemplateStage.Models models = new TemplateStage.Models(pre, cnfs, dnn);
        BinnedTemplateNll model = TemplateStage.build(templatePool, models, config.templates());
        seconds.put("templates", lap(t));
        out.printf(
            Locale.ROOT,
            "[4/6] templates: %d x %d (jes, tes) grid, %d bins, %.1f s%n",
            config.templates().jes().length,
            config.templates().tes().length,
            2 * config.templates().bins(),
            seconds.get("templates"));
        t = System.nanoTime();
        NeymanBelt belt =
            BeltStage.build(
                model,
                new BeltStage.Config(
                    config.beltGrid(),
                    config.beltToys(),
                    0.6827,
                    config.seed() + 4,
                    Runtime.getRuntime().availableProcessors()));
        seconds.put("belt", lap(t));
        out.printf(
            Locale.ROOT,
            "[5/6] Neyman belt: %d mu values x %d toys, %.1f s%n",
            config.beltGrid().length,
            config.beltToys(),
            seconds.get("belt"));
        t = System.nanoTime();
        List<EvaluationStage.Outcome> outcomes =
            EvaluationStage.run(
                experiments, models, model, belt, config.templates().bins(), config.evaluation());
        EvaluationStage.Report report = EvaluationStage.report(outcomes, 1000, config.seed() + 5);
        seconds.put("evaluation", lap(t));
        out.printf(
            Locale.ROOT,
            "[6/6] evaluation: %d pseudo-experiments at %.2f fb^-1, %.1f s%n",
            outcomes.size(),
            config.luminosity(),
            seconds.get("evaluation"));
        return new Result(config, shares, outcomes, report, seconds);
      }
    } finally {
      cnfs.values().forEach(CnfSet::close);
    }
  }

  /**
   * The synthetic template pool: per process {@code oversampling} events per expected event at the
   * luminosity, at least {@code templateMinimum}; weights as expected events at 10 fb^-1.
   */
  static EventTable templatePool(Config config) {
    Map<PhysicsProcess, Integer> counts = new EnumMap<>(PhysicsProcess.class);
    for (PhysicsProcess p : PhysicsProcess.CHALLENGE) {
      double expected = SyntheticGenerator.YIELDS_10FB.get(p) * config.luminosity() / 10;
      counts.put(
          p,
          (int)
              Math.min(
                  Integer.MAX_VALUE / 8,
                  Math.max(
                      config.templateMinimum(),
                      Math.ceil(config.templateOversampling() * expected))));
    }
    return SyntheticExperiments.generateExactly(counts, config.seed() + 1);
  }

  private static EventTable synthetic(long seed, int perProcess) {
    return SyntheticGenerator.generate(SyntheticGenerator.Config.balanced(seed, perProcess));
  }

  private static double lap(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
