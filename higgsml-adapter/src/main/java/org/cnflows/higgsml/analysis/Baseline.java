package org.cnflows.higgsml.analysis;

import org.cnflows.stats.Fitter;
import org.cnflows.stats.Parameters;
import org.cnflows.stats.intervals.NeymanBelt;
import org.cnflows.stats.models.BinnedTemplateNll;

/**
 * The CNF paper's "baseline MLE for mu only" (Elsharkawy and Kahn 2025, Sec. 6.3, Table 2): the
 * two-headed DNN trained on the same perturbed sub-datasets but without the CNF columns ({@link
 * ClassifierStage#train} with no CNFs), its score templates built like the analysis's ({@link
 * TemplateStage#build}), and a binned likelihood in mu alone: jes, tes, soft_met and the
 * normalizations are fixed at their nominal values. Its Neyman belt is built from toys at nominal
 * nuisances, so it knows only the statistical spread of mu-hat; when the nuisances of the data
 * vary, mu-hat moves by more than the belt allows and the intervals under-cover (the paper measured
 * 0.431). This is the method's point: it shows what ignoring the systematics costs.
 */
public final class Baseline {

  /** The method's name. */
  public static final String NAME = "baseline";

  private Baseline() {}

  /** The parameters with every one but mu fixed at its initial (nominal) value. */
  static Parameters muOnly(Parameters parameters) {
    Parameters onlyMu = parameters;
    for (String name : parameters.names()) {
      if (!name.equals("mu")) {
        onlyMu = onlyMu.with(name, q -> q.fixedAt(q.initial()));
      }
    }
    return onlyMu;
  }

  /**
   * The belt of the mu-only fit: at each mu of the grid, Poisson toys of the templates at that mu
   * with every nuisance nominal, fitted in mu alone.
   *
   * @param model the templates' likelihood ({@link TemplateStage.Templates#likelihood})
   * @param config the grid, toys, confidence level, seed and threads
   */
  public static NeymanBelt belt(BinnedTemplateNll model, BeltStage.Config config) {
    Parameters fitted = muOnly(model.parameters());
    int mu = fitted.indexOf("mu");
    return BeltStage.build(
        config,
        (trueMu, rng) -> {
          double[] theta = fitted.initialValues();
          theta[mu] = trueMu;
          return NeymanBelt.Estimate.of(
              Fitter.defaults().fit(model.poissonToy(theta, rng).withParameters(fitted)), "mu");
        });
  }

  /**
   * The method: the no-CNF models and templates, the mu-only fit and its belt; the caller keeps
   * ownership of the models.
   */
  public static Method method(
      TemplateStage.Models models, TemplateStage.Templates templates, NeymanBelt belt) {
    return new HiggsMlPredictor(NAME, models, templates, belt, true);
  }
}
