package org.cnflows.higgsml.analysis;

import java.util.random.RandomGenerator;
import org.cnflows.higgsml.Nuisance;
import org.cnflows.stats.Fitter;
import org.cnflows.stats.Parameter;
import org.cnflows.stats.Parameters;
import org.cnflows.stats.intervals.NeymanBelt;
import org.cnflows.stats.models.BinnedTemplateNll;

/**
 * Step 5 of the CNF paper's HiggsML analysis (Elsharkawy and Kahn 2025, Sec. 6.2): the Neyman belt
 * of mu-hat. At each mu of a grid, toys are drawn from the binned model with every nuisance of the
 * model drawn from its challenge prior (clipped to the prior's range and to the template grid),
 * fitted by maximum likelihood, and the acceptance interval holding {@code cl} of mu-hat in Feldman
 * and Cousins' ordering ({@link #ORDERING}) becomes the belt; so the construction profiles the
 * nuisances implicitly. The binned toys carry the nuisances the model has: jes, tes, soft_met and
 * the background normalizations, i.e. all six.
 */
public final class BeltStage {

  private BeltStage() {}

  /**
   * The ordering of every belt of the analysis: Feldman and Cousins' likelihood ratio, so that an
   * estimate near the physical bound mu = 0 gets an upper limit instead of an empty interval, and
   * the belt covers there as elsewhere (a central belt of a bounded mu-hat over-covers at low mu).
   */
  public static final NeymanBelt.Ordering ORDERING = NeymanBelt.Ordering.LIKELIHOOD_RATIO;

  /**
   * The settings of the stage.
   *
   * @param muGrid the true mu values of the belt, increasing
   * @param toys toys per grid point
   * @param cl the confidence level (the challenge: 0.6827)
   * @param seed the master seed (toy j at grid point i draws from stream (seed, i, j))
   * @param threads parallel toys
   */
  public record Config(double[] muGrid, int toys, double cl, long seed, int threads) {

    /** Copies the grid. */
    public Config {
      muGrid = muGrid.clone();
    }
  }

  /**
   * Builds the belt.
   *
   * @throws IllegalStateException if too many toy fits fail at a grid point (see {@link
   *     NeymanBelt#build})
   */
  public static NeymanBelt build(BinnedTemplateNll model, Config config) {
    Parameters parameters = model.parameters();
    int mu = parameters.indexOf("mu");
    return build(
        config,
        (trueMu, rng) -> {
          double[] theta = drawNuisances(parameters, rng);
          theta[mu] = trueMu;
          return NeymanBelt.Estimate.of(Fitter.defaults().fit(model.poissonToy(theta, rng)), "mu");
        });
  }

  /**
   * The belt of any estimator of mu on these settings ({@link #ORDERING}): the one place where the
   * analysis's settings become a {@link NeymanBelt.Config}.
   */
  static NeymanBelt build(Config config, NeymanBelt.Estimator estimator) {
    return NeymanBelt.build(
        new NeymanBelt.Config(
            config.muGrid(),
            config.toys(),
            config.cl(),
            ORDERING,
            config.seed(),
            config.threads(),
            NeymanBelt.DEFAULT_MAX_FAILURE_FRACTION),
        estimator);
  }

  /**
   * A draw of the model's parameters: every challenge nuisance from its prior, clipped to the
   * parameter's bounds (the template grid); any other parameter (mu) at its initial value.
   */
  static double[] drawNuisances(Parameters parameters, RandomGenerator rng) {
    double[] theta = parameters.initialValues();
    for (int k = 0; k < parameters.size(); k++) {
      Parameter p = parameters.get(k);
      for (Nuisance n : Nuisance.values()) {
        if (n.label().equals(p.name())) {
          theta[k] = Math.min(p.upper(), Math.max(p.lower(), n.draw(rng)));
        }
      }
    }
    return theta;
  }
}
