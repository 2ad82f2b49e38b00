package org.cnflows.contrastive;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.Standardization;
import org.cnflows.flows.Flow;
import org.cnflows.flows.FlowLoss;
import org.cnflows.flows.Trainer;
import org.cnflows.flows.TrainingConfig;
import org.cnflows.flows.TrainingResult;

/**
 * Trains a {@link CnfSet}: one flow per {@link Spec}, each minimizing its {@link ContrastiveLoss}
 * (Elsharkawy and Kahn 2025, Eq. 5, clamped as in App. A.2) on the same signal and background
 * events. The events are first standardized with the unweighted mean and standard deviation of both
 * classes pooled ({@link Standardization#fit}), which keeps the initial loss far from the clamp;
 * the set records the map, so {@link PhiFeatures} reads events in their own units.
 *
 * <p>Train with {@link TrainingConfig.Builder#optKeepBest(boolean) optKeepBest(false)}: once the
 * clamped loss reaches k, every evaluation ties with the first one that did, so keeping the "best"
 * evaluation would restore an early flow; with {@code false} the members end on their last step and
 * evaluations only report progress. Give the specs losses with {@link
 * ContrastiveLoss#withEventClamp()}: with the batch clamp alone a few contrasted events far in the
 * flow's tails pull the loss below k early and training freezes (see {@link ContrastiveLoss}).
 */
public final class CnfTrainer {

  private CnfTrainer() {}

  /**
   * One CNF to train.
   *
   * @param name the member's name in the set
   * @param loss its objective (target class, contrast c, clamp k)
   */
  public record Spec(String name, ContrastiveLoss loss) {

    /** Validates the name (as {@link CnfSet.Member} does) before any flow is built. */
    public Spec {
      CnfSet.checkName(name);
      if (loss == null) {
        throw new IllegalArgumentException("CNF " + name + ": loss is null");
      }
    }
  }

  /**
   * Trains the set.
   *
   * @param signal signal events, no context
   * @param background background events of the same width
   * @param specs the CNFs to train, in the order of the set
   * @param newFlow builds an untrained flow of the events' width from a seed (the i-th member gets
   *     {@code config.seed() + i})
   * @param config the training settings, shared by all members (normally with {@code
   *     optKeepBest(false)}, see above)
   * @return the trained set; the caller closes it
   * @throws IllegalArgumentException if an argument is null, the events or specs do not fit, a
   *     class has fewer than {@link TrainingConfig#minimumRows()} events or a feature is constant
   * @throws IllegalStateException if a member's training diverged (naming the member and step)
   */
  public static CnfSet train(
      FeatureMatrix signal,
      FeatureMatrix background,
      List<Spec> specs,
      LongFunction<Flow> newFlow,
      TrainingConfig config) {
    requireNonNull(signal, "signal");
    requireNonNull(background, "background");
    requireNonNull(specs, "specs");
    requireNonNull(newFlow, "newFlow");
    requireNonNull(config, "config");
    if (signal.dim() != background.dim()
        || signal.context() != null
        || background.context() != null) {
      throw new IllegalArgumentException(
          "signal has dim = "
              + signal.dim()
              + ", contextDim = "
              + signal.contextDim()
              + "; background dim = "
              + background.dim()
              + ", contextDim = "
              + background.contextDim()
              + ": CNFs need two context-free sets of the same width");
    }
    if (specs.isEmpty()) {
      throw new IllegalArgumentException("no CNF to train");
    }
    for (int i = 0; i < specs.size(); i++) {
      requireNonNull(specs.get(i), "specs[" + i + "]");
    }
    config.checkRows("signal", signal.size());
    config.checkRows("background", background.size());
    FlowLoss.requireSpread("signal", signal);
    FlowLoss.requireSpread("background", background);
    int dim = signal.dim();
    Standardization standardization = Standardization.fit(dim, signal.x(), background.x());
    List<FeatureMatrix> sources =
        List.of(standardization.apply(signal), standardization.apply(background));
    List<CnfSet.Member> members = new ArrayList<>();
    try {
      for (int i = 0; i < specs.size(); i++) {
        Spec spec = specs.get(i);
        Flow flow = newFlow.apply(config.seed() + i);
        try {
          members.add(new CnfSet.Member(spec.name(), spec.loss().target(), spec.loss().c(), flow));
        } catch (RuntimeException e) {
          flow.close();
          throw e;
        }
      }
      // the set checks names and widths before any training
      CnfSet set = new CnfSet(members, standardization);
      for (int i = 0; i < specs.size(); i++) {
        TrainingResult result =
            Trainer.train(members.get(i).flow(), specs.get(i).loss(), sources, config);
        if (result.status() == TrainingResult.Status.DIVERGED) {
          throw new IllegalStateException(
              "CNF "
                  + specs.get(i).name()
                  + ": the contrastive loss stopped being finite at step "
                  + result.divergedAtStep()
                  + "; lower the learning rate or clip gradients (optClipNorm)");
        }
      }
      return set;
    } catch (RuntimeException e) {
      members.forEach(m -> m.flow().close());
      throw e;
    }
  }

  private static void requireNonNull(Object value, String name) {
    if (value == null) {
      throw new IllegalArgumentException(name + " is null");
    }
  }
}
