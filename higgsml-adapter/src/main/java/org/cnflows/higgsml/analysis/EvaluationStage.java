package org.cnflows.higgsml.analysis;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * width, RMSE and the challenge's score per set and pooled ({@link HiggsMlScore}).
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
   * @param prediction mu-hat, p16 and p84, the fit status and where mu-hat lay in the belt
   */
  public record Outcome(
      int set,
      double trueMu,
      NuisanceParameters nuisances,
      long seed,
      int events,
      HiggsMlPredictor.Prediction prediction) {

    /** Whether [p16, p84] contains the true mu. */
    public boolean covers() {
      return prediction.p16() <= trueMu && trueMu <= prediction.p84();
    }
  }

  /** The outcomes of a run as one JSON document (the stage's product). */
  record Outcomes(List<Outcome> list) {
    static final String FILE = "outcomes.json";

    void save(Path directory) throws IOException {
      Files.createDirectories(directory);
      Json.write(directory.resolve(FILE), this);
    }

    static Outcomes load(Path directory) throws IOException {
      return Json.read(
          directory.resolve(FILE),
          Outcomes.class,
          "list of pseudo-experiment outcomes",
          o -> o.list() != null);
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
   */
  public record Report(
      HiggsMlScore.Set pooled,
      List<HiggsMlScore.Set> perSet,
      List<Double> perSetRmse,
      double rmse,
      Linearity linearity,
      double score,
      HiggsMlScore.Bootstrap bootstrap) {}

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

  /** Runs every pseudo-experiment, in order of set and index. */
  public static List<Outcome> run(
      Source experiments, HiggsMlPredictor analysis, Config config, PrintStream out) {
    List<PseudoExperiments.Request> requests = new ArrayList<>();
    List<Integer> setOf = new ArrayList<>();
    for (int s = 0; s < config.sets(); s++) {
      double mu = PseudoExperiments.drawMu(Seeds.rng(config.seed(), s));
      for (int i = 0; i < config.perSet(); i++) {
        SplittableRandom rng = Seeds.rng(config.seed(), s, i);
        NuisanceParameters nu = NuisanceParameters.drawFromPriors(rng);
        requests.add(new PseudoExperiments.Request(mu, nu, rng.nextLong()));
        setOf.add(s);
      }
    }
    List<Predicted> predicted =
        predictAll(
            experiments,
            analysis,
            requests,
            new Progress(out, "pseudo-experiments", requests.size()));
    List<Outcome> outcomes = new ArrayList<>();
    for (int k = 0; k < requests.size(); k++) {
      PseudoExperiments.Request r = requests.get(k);
      outcomes.add(
          new Outcome(
              setOf.get(k),
              r.mu(),
              r.nuisances(),
              r.seed(),
              predicted.get(k).events(),
              predicted.get(k).prediction()));
    }
    return outcomes;
  }

  /** A pseudo-experiment's size and what the analysis says of it. */
  record Predicted(int events, HiggsMlPredictor.Prediction prediction) {}

  /**
   * The predictions of the requested pseudo-experiments, in order. The next pseudo-experiment is
   * generated on a second thread while the current one is scored (the generator and the systematics
   * are plain Java, the scoring runs in the engine), so the two overlap; every result depends on
   * its request alone.
   */
  static List<Predicted> predictAll(
      Source source,
      HiggsMlPredictor analysis,
      List<PseudoExperiments.Request> requests,
      Progress progress) {
    ExecutorService ahead =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "pseudo-experiment generator");
              t.setDaemon(true);
              return t;
            });
    List<Predicted> results = new ArrayList<>();
    try {
      Future<PseudoExperiment> next = ahead.submit(() -> generate(source, requests.get(0)));
      for (int k = 0; k < requests.size(); k++) {
        PseudoExperiment pe = next.get();
        if (k + 1 < requests.size()) {
          PseudoExperiments.Request r = requests.get(k + 1);
          next = ahead.submit(() -> generate(source, r));
        }
        results.add(new Predicted(pe.events().size(), analysis.predict(pe.events())));
        progress.step();
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while generating pseudo-experiments", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException("pseudo-experiment generation failed", e.getCause());
    } finally {
      ahead.shutdownNow();
    }
  }

  private static PseudoExperiment generate(Source source, PseudoExperiments.Request r) {
    return source.generate(r.mu(), r.nuisances(), r.seed());
  }

  /**
   * The report of a run: per set and pooled coverage and width, RMSE, the pooled score and the
   * bootstrap over sets.
   */
  public static Report report(List<Outcome> outcomes, int bootstrapResamples, long seed) {
    List<List<Outcome>> bySet = new ArrayList<>();
    for (Outcome o : outcomes) {
      if (bySet.isEmpty() || bySet.get(bySet.size() - 1).get(0).set() != o.set()) {
        bySet.add(new ArrayList<>());
      }
      bySet.get(bySet.size() - 1).add(o);
    }
    List<HiggsMlScore.Set> sets = bySet.stream().map(EvaluationStage::toSet).toList();
    HiggsMlScore.Set pooled = HiggsMlScore.pool(sets);
    return new Report(
        pooled,
        sets,
        bySet.stream().map(EvaluationStage::rmse).toList(),
        rmse(outcomes),
        Linearity.of(outcomes),
        HiggsMlScore.score(pooled, HiggsMlScore.DEFAULT_EPS),
        HiggsMlScore.bootstrap(
            sets, bootstrapResamples, HiggsMlScore.DEFAULT_EPS, Seeds.rng(seed, -1)));
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

    static Linearity of(List<Outcome> outcomes) {
      int n = outcomes.size();
      double mx = 0;
      double my = 0;
      for (Outcome o : outcomes) {
        mx += o.trueMu() / n;
        my += o.prediction().muHat() / n;
      }
      double sxx = 0;
      double sxy = 0;
      for (Outcome o : outcomes) {
        sxx += (o.trueMu() - mx) * (o.trueMu() - mx);
        sxy += (o.trueMu() - mx) * (o.prediction().muHat() - my);
      }
      if (n < 3 || sxx == 0) {
        return new Linearity(Double.NaN, Double.NaN, Double.NaN);
      }
      double slope = sxy / sxx;
      double intercept = my - slope * mx;
      double ssr = 0;
      for (Outcome o : outcomes) {
        double r = o.prediction().muHat() - intercept - slope * o.trueMu();
        ssr += r * r;
      }
      return new Linearity(slope, Math.sqrt(ssr / (n - 2) / sxx), intercept);
    }
  }

  /** The root-mean-square error of mu-hat. */
  static double rmse(List<Outcome> outcomes) {
    double se = 0;
    for (Outcome o : outcomes) {
      double d = o.prediction().muHat() - o.trueMu();
      se += d * d;
    }
    return Math.sqrt(se / outcomes.size());
  }

  private static HiggsMlScore.Set toSet(List<Outcome> outcomes) {
    int n = outcomes.size();
    double[] truth = new double[n];
    double[] p16 = new double[n];
    double[] p84 = new double[n];
    for (int i = 0; i < n; i++) {
      truth[i] = outcomes.get(i).trueMu();
      p16[i] = outcomes.get(i).prediction().p16();
      p84[i] = outcomes.get(i).prediction().p84();
    }
    return new HiggsMlScore.Set(truth, p16, p84);
  }
}
