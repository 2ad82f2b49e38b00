package org.cnflows.higgsml;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Jet-multiplicity category of an event (CNF paper, Sec. 6.2 step 1): 0 jets, 1 jet, 2 or more
 * jets. Each category has the features that are defined and not constant in it: without jets the
 * jet kinematics, the four jet-jet DER features, PRI_n_jets and PRI_jet_all_pt (always 0) are left
 * out (16 features); with one jet the subleading jet, the four jet-jet DER features and PRI_n_jets
 * (always 1) are left out (20 features); with two or more jets all 28 are kept.
 */
public enum JetCategory {
  ZERO(
      Set.of(
          Columns.PRI_JET_LEADING_PT,
          Columns.PRI_JET_LEADING_ETA,
          Columns.PRI_JET_LEADING_PHI,
          Columns.PRI_JET_SUBLEADING_PT,
          Columns.PRI_JET_SUBLEADING_ETA,
          Columns.PRI_JET_SUBLEADING_PHI,
          Columns.PRI_N_JETS,
          Columns.PRI_JET_ALL_PT,
          Columns.DER_DELTAETA_JET_JET,
          Columns.DER_MASS_JET_JET,
          Columns.DER_PRODETA_JET_JET,
          Columns.DER_LEP_ETA_CENTRALITY)),
  ONE(
      Set.of(
          Columns.PRI_JET_SUBLEADING_PT,
          Columns.PRI_JET_SUBLEADING_ETA,
          Columns.PRI_JET_SUBLEADING_PHI,
          Columns.PRI_N_JETS,
          Columns.DER_DELTAETA_JET_JET,
          Columns.DER_MASS_JET_JET,
          Columns.DER_PRODETA_JET_JET,
          Columns.DER_LEP_ETA_CENTRALITY)),
  TWO_PLUS(Set.of());

  private final List<String> features;

  JetCategory(Set<String> undefined) {
    this.features = Columns.FEATURES.stream().filter(f -> !undefined.contains(f)).toList();
  }

  /** The category of an event with {@code nJets} jets. */
  public static JetCategory of(float nJets) {
    if (nJets < 0.5f) {
      return ZERO;
    }
    return nJets < 1.5f ? ONE : TWO_PLUS;
  }

  /** The rows of the table's events in this category, in table order. */
  public int[] rows(EventTable events) {
    float[] nJets = events.column(Columns.PRI_N_JETS);
    int[] rows = new int[events.size()];
    int n = 0;
    for (int i = 0; i < rows.length; i++) {
      if (of(nJets[i]) == this) {
        rows[n++] = i;
      }
    }
    return Arrays.copyOf(rows, n);
  }

  /** The features defined in this category, in {@link Columns#FEATURES} order. */
  public List<String> features() {
    return features;
  }
}
