package org.cnflows.profiling;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.flows.BatchEvaluator;
import org.cnflows.stats.Constraint;
import org.cnflows.stats.Parameter;
import org.cnflows.stats.Parameters;
import org.cnflows.stats.models.LogDensities;
import org.cnflows.stats.models.UnbinnedMixtureNll;

/**
 * The likelihood of a {@link DoiModel} with two classes on a data set, handed to inference-stats:
 * the not-extended {@link UnbinnedMixtureNll} -ln L = -sum_i ln[(r p(x_i, y_i | 0, nu) + p(x_i, y_i
 * | 1, nu)) / (r + 1)] over the yield ratio r = A_0 / A_1 ({@value #RATIO}) and the nuisances, each
 * with a unit Gaussian constraint, with the DOI T frozen as trained. Each evaluation runs the flows
 * on every event at the asked nu through the one {@link BatchEvaluator} (two functions, one per
 * class), so a fit costs one pass over the data per likelihood evaluation.
 *
 * <p>Why here: inference-stats stays free of DJL and flows-core free of statistics; this module
 * depends on both (docs/architecture.md).
 */
public final class FlowMixtureNll {

  /** The name of the yield ratio A_0 / A_1. */
  public static final String RATIO = "ratio";

  private FlowMixtureNll() {}

  /**
   * The likelihood, starting from the model's current nu and class fractions; the nuisances are
   * bounded to [-3, 3], and for an amortized model ({@link DoiModel#profiled}) to the region where
   * its profiling flow was trained, nu-hat +- h, within that.
   *
   * @param model a two-class model
   * @param events the data, rows (x, y)
   * @param evaluator evaluates on the model's device
   * @param nuisanceNames K names, in the model's order
   */
  public static UnbinnedMixtureNll of(
      DoiModel model, FeatureMatrix events, BatchEvaluator evaluator, List<String> nuisanceNames) {
    if (model.classes() != 2) {
      throw new IllegalArgumentException(
          "the mixture likelihood takes 2 classes, the model has " + model.classes());
    }
    if (nuisanceNames.size() != model.nuisances()) {
      throw new IllegalArgumentException(
          nuisanceNames.size() + " nuisance names for " + model.nuisances() + " nuisances");
    }
    double[] a = model.fractions();
    double[] nu = model.nu();
    double[] center = model.center();
    double[] half = model.halfWidths();
    List<Parameter> list = new ArrayList<>();
    list.add(Parameter.of(RATIO, Math.min(Math.max(a[0] / a[1], 0.05), 20), 0.05, 20));
    for (int k = 0; k < nu.length; k++) {
      double lower = center == null ? -3 : Math.max(-3, center[k] - half[k]);
      double upper = center == null ? 3 : Math.min(3, center[k] + half[k]);
      double start = Math.min(Math.max(nu[k], lower), upper);
      list.add(
          new Parameter(
              nuisanceNames.get(k),
              start,
              lower,
              upper,
              false,
              Optional.of(new Constraint.Gaussian(0, 1))));
    }
    return new UnbinnedMixtureNll(
        Parameters.of(list),
        RATIO,
        nuisanceNames,
        values -> {
          double[][] l =
              evaluator.evaluateToDouble(
                  events, List.of(model.logJointAt(0, values), model.logJointAt(1, values)));
          return new LogDensities(l[0], l[1]);
        },
        1,
        1,
        false);
  }
}
