package org.cnflows.higgsml.analysis;

import java.util.EnumMap;
import java.util.Map;
import org.cnflows.higgsml.Columns;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.JetCategory;

/**
 * What each jet category holds of the expected signal and background, and its counting sensitivity
 * S / sqrt(B) (weights = expected events): the measure of what dropping the 0-jet events costs the
 * analysis (the CNF paper keeps the 1- and 2-jet categories, Sec. 6.2 step 1).
 *
 * @param signal expected signal events per category
 * @param background expected background events per category
 */
public record CategoryShares(Map<JetCategory, Double> signal, Map<JetCategory, Double> background) {

  /** Copies the maps. */
  public CategoryShares {
    signal = Map.copyOf(signal);
    background = Map.copyOf(background);
  }

  /** The shares of a weighted event table. */
  public static CategoryShares of(EventTable events) {
    Map<JetCategory, Double> s = new EnumMap<>(JetCategory.class);
    Map<JetCategory, Double> b = new EnumMap<>(JetCategory.class);
    for (JetCategory c : JetCategory.values()) {
      s.put(c, 0.0);
      b.put(c, 0.0);
    }
    float[] nJets = events.column(Columns.PRI_N_JETS);
    float[] w = events.weights();
    for (int i = 0; i < events.size(); i++) {
      Map<JetCategory, Double> m = events.process(i).isSignal() ? s : b;
      m.merge(JetCategory.of(nJets[i]), (double) w[i], Double::sum);
    }
    return new CategoryShares(s, b);
  }

  /** The fraction of all expected signal in a category. */
  public double signalFraction(JetCategory c) {
    return signal.get(c) / signal.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /** The fraction of all expected background in a category. */
  public double backgroundFraction(JetCategory c) {
    return background.get(c) / background.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /** S / sqrt(B) of a category (infinite without background). */
  public double significance(JetCategory c) {
    return signal.get(c) / Math.sqrt(background.get(c));
  }

  /**
   * The counting sensitivity lost by dropping a category: 1 - sqrt(sum of (S/sqrt(B))^2 over the
   * others / over all), the relative loss of the quadrature sum of the categories' S / sqrt(B).
   */
  public double sensitivityLossWithout(JetCategory dropped) {
    double all = 0;
    double kept = 0;
    for (JetCategory c : JetCategory.values()) {
      double z = significance(c);
      double z2 = Double.isFinite(z) ? z * z : 0;
      all += z2;
      if (c != dropped) {
        kept += z2;
      }
    }
    return 1 - Math.sqrt(kept / all);
  }
}
