package org.cnflows.higgsml.analysis;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.cnflows.common.Json;
import org.cnflows.common.Seeds;
import org.cnflows.higgsml.NuisanceParameters;
import org.cnflows.higgsml.PseudoExperiment;
import org.cnflows.higgsml.PseudoExperiments;
import org.cnflows.stats.coverage.HiggsMlScore;

/**
 * Step 6 of the CNF paper's HiggsML analysis: test pseudo-experiments built as the challenge builds
 * them (per set one mu ~ Uniform(0.1, 3); per pseudo-experiment the six nuisances from their
 * priors, Poisson multiplicities of the test pool's events, the systematics, soft_met included),
 * each turned into a score histogram ({@link TemplateStage#observed}), fitted ({@code mu-hat}) and
 * read off the Neyman belt ({@code p16, p84}) through {@link HiggsMlPredictor}; then coverage, mean
 * width, RMSE and the challenge's score per set and pooled ({@link HiggsMlScore}). Every
 * pseudo-experiment is generated once and predicted by each method of the run ({@link Method}), so
 * all methods are scored on identical data.
 */
public final class EvaluationStage {

  private EvaluationStage() {}

  /**
   * The settings of the stage.
   *
   * @param sets the number of sets (one true mu each)
   * @param perSet pseudo-experiments per set
   * @param seed the master seed (set s draws mu from stream (seed, s); its pseudo-experiment i from
   *     (seed, s, i))
   */
  public record Config(int sets, int perSet, long seed) {

    /** Validates the counts. */
    public Config {
      if (sets < 1 || perSet < 1) {
        throw new IllegalArgumentException(
            "sets = " + sets + " and perSet = " + perSet + " must be >= 1");
      }
    }
  }

  /**
   * One pseudo-experiment's result.
   *
   * @param set its set
   * @param trueMu the set's mu
   * @param nuisances its nuisances
   * @param seed the seed of its events (regenerates it through the stage's source)
   * @param events its event count (all jet categories, after the post-selection)
   * @param predictions per method, in the run's order: mu-hat, p16 and p84, the fit status and
   *     where mu-hat lay in the belt
   */
  public record Outcome(
      int set,
      double trueMu,
      NuisanceParameters nuisances,
      long seed,
      int events,
      Map<String, HiggsMlPredictor.Prediction> predictions) {

    /** Copies the predictions, keeping their order. */
    public Outcome {
      predictions = Collections.unmodifiableMap(new LinkedHashMap<>(predictions));
    }

    /** The prediction of the analysis's own method ({@value HiggsMlPredictor#NAME}). */
    public HiggsMlPredictor.Prediction prediction() {
      return prediction(HiggsMlPredictor.NAME);
    }

    /**
     * The prediction of a method.
     *
     * @throws IllegalArgumentException if the method did not predict this pseudo-experiment
     */
    public HiggsMlPredictor.Prediction prediction(String method) {
      HiggsMlPredictor.Prediction p = predictions.get(method);
      if (p == null) {
        throw new IllegalArgumentException(
            "method '" + method + "' was not run; the run's methods: " + predictions.keySet());
      }
      return p;
    }

    /** Whether the analysis's [p16, p84] contains the true mu. */
    public boolean covers() {
      return covers(HiggsMlPredictor.NAME);
    }

    /** Whether a method's [p16, p84] contains the true mu. */
    public boolean covers(String method) {
      HiggsMlPredictor.Prediction p = prediction(method);
      return p.p16() <= trueMu && trueMu <= p.p84();
    }
  }

  /**
   * One method's predictions of every pseudo-experiment of a run, in order (a stage's product).
   *
   * @param list per pseudo-experiment, its size and the method's prediction
   * @param seconds the time the method's {@link Method#predict} calls took, generation excluded
   */
  public record Predictions(List<Predicted> list, double seconds) {
    static final String FILE = "predictions.json";

    /** Copies the list. */
    public Predictions {
      list = List.copyOf(list);
    }

    void save(Path directory) throws IOException {
      Json.write(directory.resolve(FILE), this);
    }

    static Predictions load(Path directory) throws IOException {
      return Json.read(
          directory.resolve(FILE),
          Predictions.class,
          "list of pseudo-experiment predictions",
          p -> p.list() != null);
    }
  }

  /**
   * The figures of the evaluation.
   *
   * @param pooled coverage, width and score of all pseudo-experiments as one set
   * @param perSet the same per set
   * @param perSetRmse the root-mean-square error of mu-hat per set
   * @param rmse the root-mean-square error of mu-hat
   * @param linearity the straight line of mu-hat against the true mu
   * @param score the challenge's score of the pooled set
   * @param bootstrap the challenge's final-phase bootstrap of the score over sets (mean, std)
   * @param coverageBootstrap the same resamples' coverage
   * @param widthBootstrap the same resamples' mean width
   */
  public record Report(
      HiggsMlScore.Set pooled,
      List<HiggsMlScore.Set> perSet,
      List<Double> perSetRmse,
      double rmse,
      Linearity linearity,
      double score,
      HiggsMlScore.Bootstrap bootstrap,
      HiggsMlScore.Bootstrap coverageBootstrap,
      HiggsMlScore.Bootstrap widthBootstrap) {}

  /**
   * Where test pseudo-experiments come from: {@link PseudoExperiments#generate} on a weighted pool
   * (the user's file), or {@link SyntheticExperiments#generate} (the generator as an infinite
   * pool).
   */
  @FunctionalInterface
  public interface Source {
    /** One pseudo-experiment at (mu, nu) from the seed. */
    PseudoExperiment generate(double mu, NuisanceParameters nu, long seed);
  }

  /**
   * A planned pseudo-experiment.
   *
   * @param set its set
   * @param request its mu, nuisances and seed
   */
  record Planned(int set, PseudoExperiments.Request request) {}

  /**
   * The pseudo-experiments of the settings, in order of set and index: set s draws mu from stream
   * (seed, s), its pseudo-experiment i the nuisances and the events' seed from (seed, s, i).
   */
  static List<Planned> plan(Config config) {
    List<Planned> planned = new ArrayList<>();
    for (int s = 0; s < config.sets(); s++) {
      double mu = PseudoExperiments.drawMu(Seeds.rng(config.seed(), s));
      for (int i = 0; i < config.perSet(); i++) {
        SplittableRandom rng = Seeds.rng(config.seed(), s, i);
        NuisanceParameters nu = NuisanceParameters.drawFromPriors(rng);
        planned.add(new Planned(s, new PseudoExperiments.Request(mu, nu, rng.nextLong())));
      }
    }
    return planned;
  }

  /** Runs every pseudo-experiment with the analysis alone, in order of set and index. */
  public static List<Outcome> run(
      Source experiments, HiggsMlPredictor analysis, Config config, PrintStream out) {
    return outcomes(config, predict(experiments, List.of(analysis), config, out));
  }

  /**
   * Generates every pseudo-experiment of the settings once and predicts it with each method.
   *
   * @return per method (in the given order), its predictions
   */
  public static Map<String, Predictions> predict(
      Source experiments, List<? extends Method> methods, Config config, PrintStream out) {
    List<PseudoExperiments.Request> requests = plan(config).stream().map(Planned::request).toList();
    double[] seconds = new double[methods.size()];
    List<List<Predicted>> predicted =
        predictAll(
            experiments,
            methods,
            requests,
            new Progress(out, "pseudo-experiments", requests.size()),
            seconds);
    Map<String, Predictions> byMethod = new LinkedHashMap<>();
    for (int m = 0; m < methods.size(); m++) {
      int at = m;
      byMethod.put(
          methods.get(m).name(),
          new Predictions(predicted.stream().map(p -> p.get(at)).toList(), seconds[m]));
    }
    return byMethod;
  }

  /**
   * The outcomes of the settings' pseudo-experiments from the methods' predictions of them.
   *
   * @throws IllegalArgumentException if a method's predictions are not one per pseudo-experiment
   */
  public static List<Outcome> outcomes(Config config, Map<String, Predictions> byMethod) {
    List<Planned> planned = plan(config);
    byMethod.forEach(
        (method, p) -> {
          if (p.list().size() != planned.size()) {
            throw new IllegalArgumentException(
                method
                    + ": "
                    + p.list().size()
                    + " predictions for "
                    + planned.size()
                    + " pseudo-experiments");
          }
        });
    List<Outcome> outcomes = new ArrayList<>();
    for (int k = 0; k < planned.size(); k++) {
      PseudoExperiments.Request r = planned.get(k).request();
      Map<String, HiggsMlPredictor.Prediction> predictions = new LinkedHashMap<>();
      int events = -1;
      for (Map.Entry<String, Predictions> e : byMethod.entrySet()) {
        Predicted p = e.getValue().list().get(k);
        predictions.put(e.getKey(), p.prediction());
        events = p.events();
      }
      outcomes.add(
          new Outcome(planned.get(k).set(), r.mu(), r.nuisances(), r.seed(), events, predictions));
    }
    return outcomes;
  }

  /**
   * A pseudo-experiment's size and what a method says of it.
   *
   * @param events the pseudo-experiment's event count
   * @param prediction the method's prediction
   */
  public record Predicted(int events, HiggsMlPredictor.Prediction prediction) {}

  /** {@link #predictAll(Source, List, List, Progress, double[])} with one method. */
  static List<Predicted> predictAll(
      Source source, Method method, List<PseudoExperiments.Request> requests, Progress progress) {
    return predictAll(source, List.of(method), requests, progress, new double[1]).stream()
        .map(p -> p.get(0))
        .toList();
  }

  /**
   * The predictions of the requested pseudo-experiments, in order, each by every method. The next
   * pseudo-experiment is generated on a second thread while the current one is scored (the
   * generator and the systematics are plain Java, the scoring runs in the engine), so the two
   * overlap; every result depends on its request alone.
   *
   * @param seconds per method, incremented by the time of its predict calls
   */
  static List<List<Predicted>> predictAll(
      Source source,
      List<? extends Method> methods,
      List<PseudoExperiments.Request> requests,
      Progress progress,
      double[] seconds) {
    return Ahead.map(
        requests,
        r -> generate(source, r),
        (r, pe) -> {
          List<Predicted> each = new ArrayList<>();
          for (int m = 0; m < methods.size(); m++) {
            long start = System.nanoTime();
            each.add(new Predicted(pe.events().size(), methods.get(m).predict(pe.events())));
            seconds[m] += (System.nanoTime() - start) / 1e9;
          }
          progress.step();
          return each;
        },
        "pseudo-experiment generator");
  }

  private static PseudoExperiment generate(Source source, PseudoExperiments.Request r) {
    return source.generate(r.mu(), r.nuisances(), r.seed());
  }

  /**
   * The report of the analysis's own method ({@link #report(List, String, int, long)} of {@value
   * HiggsMlPredictor#NAME}).
   */
  public static Report report(List<Outcome> outcomes, int bootstrapResamples, long seed) {
    return report(outcomes, HiggsMlPredictor.NAME, bootstrapResamples, seed);
  }

  /**
   * The report of one method: per set and pooled coverage and width, RMSE, the pooled score and the
   * bootstrap over sets (the same resamples for every method of a seed).
   */
  public static Report report(
      List<Outcome> outcomes, String method, int bootstrapResamples, long seed) {
    List<List<Outcome>> bySet = new ArrayList<>();
    for (Outcome o : outcomes) {
      if (bySet.isEmpty() || bySet.get(bySet.size() - 1).get(0).set() != o.set()) {
        bySet.add(new ArrayList<>());
      }
      bySet.get(bySet.size() - 1).add(o);
    }
    List<HiggsMlScore.Set> sets = bySet.stream().map(list -> toSet(list, method)).toList();
    HiggsMlScore.Set pooled = HiggsMlScore.pool(sets);
    HiggsMlScore.Figures boot =
        HiggsMlScore.bootstrapFigures(
            sets, bootstrapResamples, HiggsMlScore.DEFAULT_EPS, Seeds.rng(seed, -1));
    return new Report(
        pooled,
        sets,
        bySet.stream().map(list -> rmse(list, method)).toList(),
        rmse(outcomes, method),
        Linearity.of(outcomes, method),
        HiggsMlScore.score(pooled, HiggsMlScore.DEFAULT_EPS),
        boot.score(),
        boot.coverage(),
        boot.width());
  }

  /**
   * The least-squares line mu-hat = intercept + slope x mu over all pseudo-experiments, with the
   * slope's standard error from the residuals: an unbiased estimator has slope 1 within errors
   * (mu-hat is bounded below by 0, so at luminosities where sigma(mu) is not small against the
   * lowest mu the truncation pulls the slope below 1).
   *
   * @param slope the slope
   * @param slopeError its standard error
   * @param intercept the intercept
   */
  public record Linearity(double slope, double slopeError, double intercept) {

    /** How many standard errors the slope lies from 1. */
    public double pullFromOne() {
      return (slope - 1) / slopeError;
    }

    static Linearity of(List<Outcome> outcomes, String method) {
      int n = outcomes.size();
      double mx = 0;
      double my = 0;
      for (Outcome o : outcomes) {
        mx += o.trueMu() / n;
        my += o.prediction(method).muHat() / n;
      }
      double sxx = 0;
      double sxy = 0;
      for (Outcome o : outcomes) {
        sxx += (o.trueMu() - mx) * (o.trueMu() - mx);
        sxy += (o.trueMu() - mx) * (o.prediction(method).muHat() - my);
      }
      if (n < 3 || sxx == 0) {
        return new Linearity(Double.NaN, Double.NaN, Double.NaN);
      }
      double slope = sxy / sxx;
      double intercept = my - slope * mx;
      double ssr = 0;
      for (Outcome o : outcomes) {
        double r = o.prediction(method).muHat() - intercept - slope * o.trueMu();
        ssr += r * r;
      }
      return new Linearity(slope, Math.sqrt(ssr / (n - 2) / sxx), intercept);
    }
  }

  /** The root-mean-square error of a method's mu-hat. */
  static double rmse(List<Outcome> outcomes, String method) {
    double se = 0;
    for (Outcome o : outcomes) {
      double d = o.prediction(method).muHat() - o.trueMu();
      se += d * d;
    }
    return Math.sqrt(se / outcomes.size());
  }

  private static HiggsMlScore.Set toSet(List<Outcome> outcomes, String method) {
    int n = outcomes.size();
    double[] truth = new double[n];
    double[] p16 = new double[n];
    double[] p84 = new double[n];
    for (int i = 0; i < n; i++) {
      truth[i] = outcomes.get(i).trueMu();
      p16[i] = outcomes.get(i).prediction(method).p16();
      p84[i] = outcomes.get(i).prediction(method).p84();
    }
    return new HiggsMlScore.Set(truth, p16, p84);
  }
}
