package org.cnflows.higgsml.analysis;

import ai.djl.Device;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.contrastive.CnfSet;
import org.cnflows.contrastive.CnfTrainer;
import org.cnflows.contrastive.ContrastiveLoss;
import org.cnflows.flows.Flows;
import org.cnflows.flows.TrainingConfig;
import org.cnflows.flows.TrainingListener;
import org.cnflows.higgsml.JetCategory;

/**
 * Step 2 of the CNF paper's HiggsML analysis (Elsharkawy and Kahn 2025, Sec. 6.2): per jet
 * category, contrastive flows for signal and background with c = 2 (signal-rich regions, robust to
 * nuisances) and c = 0.5 (most of the signal density), trained on the balanced nominal sets of
 * {@link TrainingSets#nominal}: 8 flows for the two categories. The flows are the paper's
 * gated-affine/quadratic couplings ({@link Flows#gatedQuadratic}; the paper: 30 layers, 5 x 64
 * GELU), trained with the per-event clamp and kept at their last step (see {@link CnfTrainer}).
 */
public final class CnfStage {

  /** The contrasts of the paper. */
  public static final List<Double> CONTRASTS = List.of(2.0, 0.5);

  private CnfStage() {}

  /**
   * The settings of the stage.
   *
   * @param layers coupling layers per flow
   * @param hidden conditioner width
   * @param depth conditioner hidden layers
   * @param steps Adam steps per flow
   * @param batchSize rows per class per step
   * @param learningRate Adam's step size
   * @param seed the seed of the first flow (member i of a category gets seed + i, categories are
   *     offset by 100)
   */
  public record Config(
      int layers, int hidden, int depth, int steps, int batchSize, double learningRate, long seed) {

    /** Validates the sizes. */
    public Config {
      StageSettings.requirePositive(
          "CNF stage",
          new String[] {"layers", "hidden", "depth", "steps", "batchSize"},
          layers,
          hidden,
          depth,
          steps,
          batchSize);
      StageSettings.requireRate("CNF stage", learningRate);
    }

    /** The paper's architecture (App. A): 30 couplings, 5 x 64 GELU conditioners. */
    public static Config paper(int steps, long seed) {
      return new Config(30, 64, 5, steps, 1024, 1e-3, seed);
    }
  }

  /** A category's CNFs: signal then background, each at every contrast, with the event clamp. */
  static List<CnfTrainer.Spec> specs() {
    List<CnfTrainer.Spec> specs = new ArrayList<>();
    for (ContrastiveLoss.Target target : ContrastiveLoss.Target.values()) {
      for (double c : CONTRASTS) {
        String name =
            (target == ContrastiveLoss.Target.SIGNAL ? "s" : "b")
                + "_c"
                + BigDecimal.valueOf(c).stripTrailingZeros().toPlainString();
        specs.add(new CnfTrainer.Spec(name, ContrastiveLoss.of(target, c).withEventClamp()));
      }
    }
    return specs;
  }

  /** The member names of a category's set: s_c2, s_c0.5, b_c2, b_c0.5. */
  public static List<String> memberNames() {
    return specs().stream().map(CnfTrainer.Spec::name).toList();
  }

  /**
   * Trains the CNF set of every category of {@code nominal}.
   *
   * @param nominal per category, labelled rows (1 = signal) with weights
   * @param config the settings
   * @param device where the flows live
   * @param listener training progress (e.g. a console progress bar)
   * @return per category its set of four CNFs, in {@link #memberNames()} order; the caller closes
   *     them
   */
  public static Map<JetCategory, CnfSet> train(
      Map<JetCategory, FeatureMatrix> nominal,
      Config config,
      Device device,
      TrainingListener listener) {
    Map<JetCategory, CnfSet> sets = new EnumMap<>(JetCategory.class);
    try {
      for (Map.Entry<JetCategory, FeatureMatrix> e : nominal.entrySet()) {
        FeatureMatrix rows = e.getValue();
        int dim = rows.dim();
        long seed = config.seed() + 100L * TrainingSets.head(e.getKey());
        TrainingConfig training =
            TrainingConfig.builder()
                .optSteps(config.steps())
                .optBatchSize(config.batchSize())
                .optLearningRate(config.learningRate())
                .optValidationFraction(0)
                .optKeepBest(false)
                .optEvaluateEvery(Math.max(1, config.steps() / 5))
                .optSeed(seed)
                .optListener(listener)
                .build();
        sets.put(
            e.getKey(),
            CnfTrainer.train(
                rows.withLabel(1).withLabels(null).withCategories(null),
                rows.withLabel(0).withLabels(null).withCategories(null),
                specs(),
                s ->
                    Flows.gatedQuadratic(dim, 0, config.layers(), config.hidden(), config.depth())
                        .optDevice(device)
                        .optSeed(s)
                        .build(),
                training));
      }
      return sets;
    } catch (RuntimeException e) {
      sets.values().forEach(CnfSet::close);
      throw e;
    }
  }
}
