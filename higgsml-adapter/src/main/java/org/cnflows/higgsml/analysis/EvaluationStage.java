package org.cnflows.higgsml.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.cnflows.common.Seeds;
import org.cnflows.higgsml.NuisanceParameters;
import org.cnflows.higgsml.PseudoExperiment;
import org.cnflows.higgsml.PseudoExperiments;
import org.cnflows.stats.FitResult;
import org.cnflows.stats.FitStatus;
import org.cnflows.stats.Fitter;
import org.cnflows.stats.coverage.HiggsMlScore;
import org.cnflows.stats.intervals.Interval;
import org.cnflows.stats.intervals.NeymanBelt;
import org.cnflows.stats.models.BinnedTemplateNll;

/**
 * Step 6 of the CNF paper's HiggsML analysis: test pseudo-experiments built as the challenge builds
 * them (per set one mu ~ Uniform(0.1, 3); per pseudo-experiment the six nuisances from their
 * priors, Poisson multiplicities of the test pool's events, the systematics, soft_met included),
 * each turned into a score histogram ({@link TemplateStage#observed}), fitted ({@code mu-hat}) and
 * read off the Neyman belt ({@code p16, p84}); then coverage, mean width, RMSE and the challenge's
 * score per set and pooled ({@link HiggsMlScore}).
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
   * @param events its event count
   * @param fit the fit status of mu-hat
   * @param interval mu-hat with p16 and p84 from the belt (and whether mu-hat lay inside it)
   */
  public record Outcome(
      int set,
      double trueMu,
      NuisanceParameters nuisances,
      int events,
      FitStatus fit,
      Interval interval) {

    /** Whether [p16, p84] contains the true mu. */
    public boolean covers() {
      return interval.lower() <= trueMu && trueMu <= interval.upper();
    }
  }

  /**
   * The figures of the evaluation.
   *
   * @param pooled coverage, width and score of all pseudo-experiments as one set
   * @param perSet the same per set
   * @param rmse the root-mean-square error of mu-hat
   * @param score the challenge's score of the pooled set
   * @param bootstrap the challenge's final-phase bootstrap of the score over sets (mean, std)
   */
  public record Report(
      HiggsMlScore.Set pooled,
      List<HiggsMlScore.Set> perSet,
      double rmse,
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
      Source experiments,
      TemplateStage.Models models,
      BinnedTemplateNll model,
      NeymanBelt belt,
      int bins,
      Config config) {
    List<Outcome> outcomes = new ArrayList<>();
    for (int s = 0; s < config.sets(); s++) {
      double mu = PseudoExperiments.drawMu(Seeds.rng(config.seed(), s));
      for (int i = 0; i < config.perSet(); i++) {
        SplittableRandom rng = Seeds.rng(config.seed(), s, i);
        NuisanceParameters nu = NuisanceParameters.drawFromPriors(rng);
        PseudoExperiment pe = experiments.generate(mu, nu, rng.nextLong());
        double[] observed = TemplateStage.observed(pe.events(), models, bins);
        FitResult fit = Fitter.defaults().fit(model.withObserved(observed));
        outcomes.add(
            new Outcome(s, mu, nu, pe.events().size(), fit.status(), belt.invert(fit.value("mu"))));
      }
    }
    return outcomes;
  }

  /**
   * The report of a run: per set and pooled coverage and width, RMSE, the pooled score and the
   * bootstrap over sets.
   */
  public static Report report(List<Outcome> outcomes, int bootstrapResamples, long seed) {
    List<HiggsMlScore.Set> sets = new ArrayList<>();
    int set = -1;
    List<Outcome> current = new ArrayList<>();
    for (Outcome o : outcomes) {
      if (o.set() != set && !current.isEmpty()) {
        sets.add(toSet(current));
        current.clear();
      }
      set = o.set();
      current.add(o);
    }
    sets.add(toSet(current));
    double se = 0;
    for (Outcome o : outcomes) {
      double d = o.interval().estimate() - o.trueMu();
      se += d * d;
    }
    HiggsMlScore.Set pooled = HiggsMlScore.pool(sets);
    return new Report(
        pooled,
        sets,
        Math.sqrt(se / outcomes.size()),
        HiggsMlScore.score(pooled, HiggsMlScore.DEFAULT_EPS),
        HiggsMlScore.bootstrap(
            sets, bootstrapResamples, HiggsMlScore.DEFAULT_EPS, Seeds.rng(seed, -1)));
  }

  private static HiggsMlScore.Set toSet(List<Outcome> outcomes) {
    int n = outcomes.size();
    double[] truth = new double[n];
    double[] p16 = new double[n];
    double[] p84 = new double[n];
    for (int i = 0; i < n; i++) {
      truth[i] = outcomes.get(i).trueMu();
      p16[i] = outcomes.get(i).interval().lower();
      p84[i] = outcomes.get(i).interval().upper();
    }
    return new HiggsMlScore.Set(truth, p16, p84);
  }
}
