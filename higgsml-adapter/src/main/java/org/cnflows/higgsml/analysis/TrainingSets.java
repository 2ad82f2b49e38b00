package org.cnflows.higgsml.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.Seeds;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.JetCategory;
import org.cnflows.higgsml.NuisanceParameters;
import org.cnflows.higgsml.Preprocessor;
import org.cnflows.higgsml.Systematics;
import org.cnflows.higgsml.SystematicsResult;

/**
 * The training sets of the CNF paper's HiggsML analysis (Elsharkawy and Kahn 2025, Sec. 6.2, steps
 * 1-3), built from a pool of simulated events (the synthetic generator's or the challenge's):
 *
 * <ul>
 *   <li>{@link #ANALYSIS_CATEGORIES}: the jet categories 1 and &gt;= 2; 0-jet events are dropped,
 *       as the paper did ({@link CategoryShares} measures what that costs);
 *   <li>{@link #nominal}: per category, signal and background at nominal nuisances, each class's
 *       weights scaled to the same total, for the CNFs (step 2);
 *   <li>{@link #augmented}: K sub-datasets, each with its six nuisances drawn from the priors and
 *       the systematics applied, each balanced between signal and background, preprocessed and
 *       labelled with the classifier head of its category, for the two-headed DNN (step 3).
 * </ul>
 *
 * Every set is a {@link FeatureMatrix} with labels (1 = signal), weights and categories (the jet
 * category's ordinal), produced by the one {@link Preprocessor}; {@link #head} maps a category to
 * its classifier head. Random choices come from {@link Seeds} streams of (seed, sub-dataset index),
 * so a set does not depend on threads or on how many sets were built before.
 */
public final class TrainingSets {

  /** The categories the analysis keeps, in head order. */
  public static final List<JetCategory> ANALYSIS_CATEGORIES =
      List.of(JetCategory.ONE, JetCategory.TWO_PLUS);

  private TrainingSets() {}

  /** The classifier head of a kept category (0 for one jet, 1 for two or more). */
  public static int head(JetCategory category) {
    int h = ANALYSIS_CATEGORIES.indexOf(category);
    if (h < 0) {
      throw new IllegalArgumentException(
          "jet category " + category + " is not analysed (kept: " + ANALYSIS_CATEGORIES + ")");
    }
    return h;
  }

  /**
   * Per kept category, the events of the pool at nominal nuisances, preprocessed, with each class's
   * weights rescaled so that signal and background carry the same total weight (half of the
   * category's), the CNFs' "equal mixture".
   *
   * @throws IllegalArgumentException if a category lacks signal or background events
   */
  public static Map<JetCategory, FeatureMatrix> nominal(EventTable pool, Preprocessor pre) {
    Map<JetCategory, FeatureMatrix> out = new EnumMap<>(JetCategory.class);
    for (JetCategory cat : ANALYSIS_CATEGORIES) {
      out.put(cat, balanced(pre.transform(pool, cat), cat, "nominal pool"));
    }
    return out;
  }

  /**
   * The augmented classifier training set: for each of {@code subsets} sub-datasets k, nuisances
   * drawn from the priors with stream (seed, k), {@code eventsPerSubset} events drawn from the pool
   * without replacement with the same stream, the systematics applied (events that fail the
   * post-selection drop out), each category's signal and background balanced to equal total weight
   * within the sub-dataset; the sub-datasets are concatenated per category.
   *
   * @param pool simulated events with processes and weights
   * @param pre the preprocessor (fitted on nominal events)
   * @param subsets K, the number of sub-datasets (the paper: 1000)
   * @param eventsPerSubset events drawn from the pool for each sub-dataset
   * @param seed the master seed
   * @return per kept category, the rows of all sub-datasets, and the nuisances of each sub-dataset
   * @throws IllegalArgumentException if a count is out of range or a sub-dataset's category lacks a
   *     class (name the sub-dataset and its nuisances)
   */
  public static Augmented augmented(
      EventTable pool, Preprocessor pre, int subsets, int eventsPerSubset, long seed) {
    return augmented(pool, pre, subsets, eventsPerSubset, seed, NuisanceParameters::drawFromPriors);
  }

  /**
   * {@link #augmented(EventTable, Preprocessor, int, int, long)} with the nuisances of each
   * sub-dataset drawn by {@code draw} from the sub-dataset's stream instead of from the priors.
   */
  public static Augmented augmented(
      EventTable pool,
      Preprocessor pre,
      int subsets,
      int eventsPerSubset,
      long seed,
      Function<SplittableRandom, NuisanceParameters> draw) {
    if (subsets < 1 || eventsPerSubset < 2 || eventsPerSubset > pool.size()) {
      throw new IllegalArgumentException(
          "subsets = "
              + subsets
              + " must be >= 1 and eventsPerSubset = "
              + eventsPerSubset
              + " in [2, "
              + pool.size()
              + "] (the pool's size)");
    }
    Map<JetCategory, List<FeatureMatrix>> parts = new EnumMap<>(JetCategory.class);
    Map<JetCategory, List<Integer>> subsetOf = new EnumMap<>(JetCategory.class);
    ANALYSIS_CATEGORIES.forEach(
        c -> {
          parts.put(c, new ArrayList<>());
          subsetOf.put(c, new ArrayList<>());
        });
    List<NuisanceParameters> drawn = new ArrayList<>();
    for (int k = 0; k < subsets; k++) {
      SplittableRandom rng = Seeds.rng(seed, k);
      NuisanceParameters nu = draw.apply(rng);
      drawn.add(nu);
      int[] rows = Arrays.copyOf(Seeds.shuffled(pool.size(), rng), eventsPerSubset);
      SystematicsResult shifted = Systematics.apply(pool.select(rows), nu, rng);
      for (JetCategory cat : ANALYSIS_CATEGORIES) {
        String what = "sub-dataset " + k + " (" + nu + ")";
        FeatureMatrix rowsOfK = balanced(pre.transform(shifted.events(), cat), cat, what);
        parts.get(cat).add(rowsOfK);
        for (int i = 0; i < rowsOfK.size(); i++) {
          subsetOf.get(cat).add(k);
        }
      }
    }
    Map<JetCategory, FeatureMatrix> sets = new EnumMap<>(JetCategory.class);
    Map<JetCategory, int[]> rowSubsets = new EnumMap<>(JetCategory.class);
    parts.forEach((cat, list) -> sets.put(cat, FeatureMatrix.concat(list)));
    subsetOf.forEach(
        (cat, list) -> rowSubsets.put(cat, list.stream().mapToInt(Integer::intValue).toArray()));
    return new Augmented(sets, drawn, rowSubsets);
  }

  /**
   * An augmented training set.
   *
   * @param sets per kept category, the rows of every sub-dataset
   * @param nuisances the nuisances of each sub-dataset, in order
   * @param subsetOf per kept category, the sub-dataset of each row of {@code sets}
   */
  public record Augmented(
      Map<JetCategory, FeatureMatrix> sets,
      List<NuisanceParameters> nuisances,
      Map<JetCategory, int[]> subsetOf) {

    /** Copies the collections. */
    public Augmented {
      sets = Map.copyOf(sets);
      nuisances = List.copyOf(nuisances);
      subsetOf = Map.copyOf(subsetOf);
    }
  }

  /**
   * The rows with each class's weights rescaled so that signal and background both sum to half the
   * total weight, and every row's category set to the head of {@code cat}.
   */
  static FeatureMatrix balanced(FeatureMatrix rows, JetCategory cat, String what) {
    int[] y = rows.labels();
    float[] w = rows.weights();
    double[] sum = new double[2];
    for (int i = 0; i < y.length; i++) {
      sum[y[i]] += w[i];
    }
    if (!(sum[0] > 0) || !(sum[1] > 0)) {
      throw new IllegalArgumentException(
          what
              + ", jet category "
              + cat
              + ": signal weight "
              + sum[1]
              + ", background weight "
              + sum[0]
              + "; both classes are needed");
    }
    double half = (sum[0] + sum[1]) / 2;
    float[] balanced = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      balanced[i] = (float) (w[i] * half / sum[y[i]]);
    }
    return rows.withWeights(balanced);
  }
}
