package org.cnflows.higgsml;

import java.util.List;
import java.util.stream.Stream;

/**
 * Column names of the HiggsML Uncertainty Challenge data (higgsml.md, "Events and processes"): 16
 * primary {@code PRI_*} features, 12 derived {@code DER_*} features, and the sentinel {@value
 * #MISSING} that marks absent jets and undefined derived values.
 */
public final class Columns {
  /** Value of an absent jet quantity or an undefined derived feature (the 2014 data used -999). */
  public static final float MISSING = -25f;

  public static final String PRI_LEP_PT = "PRI_lep_pt";
  public static final String PRI_LEP_ETA = "PRI_lep_eta";
  public static final String PRI_LEP_PHI = "PRI_lep_phi";
  public static final String PRI_HAD_PT = "PRI_had_pt";
  public static final String PRI_HAD_ETA = "PRI_had_eta";
  public static final String PRI_HAD_PHI = "PRI_had_phi";
  public static final String PRI_JET_LEADING_PT = "PRI_jet_leading_pt";
  public static final String PRI_JET_LEADING_ETA = "PRI_jet_leading_eta";
  public static final String PRI_JET_LEADING_PHI = "PRI_jet_leading_phi";
  public static final String PRI_JET_SUBLEADING_PT = "PRI_jet_subleading_pt";
  public static final String PRI_JET_SUBLEADING_ETA = "PRI_jet_subleading_eta";
  public static final String PRI_JET_SUBLEADING_PHI = "PRI_jet_subleading_phi";
  public static final String PRI_N_JETS = "PRI_n_jets";
  public static final String PRI_JET_ALL_PT = "PRI_jet_all_pt";
  public static final String PRI_MET = "PRI_met";
  public static final String PRI_MET_PHI = "PRI_met_phi";

  public static final String DER_MASS_TRANSVERSE_MET_LEP = "DER_mass_transverse_met_lep";
  public static final String DER_MASS_VIS = "DER_mass_vis";
  public static final String DER_PT_H = "DER_pt_h";
  public static final String DER_DELTAETA_JET_JET = "DER_deltaeta_jet_jet";
  public static final String DER_MASS_JET_JET = "DER_mass_jet_jet";
  public static final String DER_PRODETA_JET_JET = "DER_prodeta_jet_jet";
  public static final String DER_DELTAR_HAD_LEP = "DER_deltar_had_lep";
  public static final String DER_PT_TOT = "DER_pt_tot";
  public static final String DER_SUM_PT = "DER_sum_pt";
  public static final String DER_PT_RATIO_LEP_HAD = "DER_pt_ratio_lep_had";
  public static final String DER_MET_PHI_CENTRALITY = "DER_met_phi_centrality";
  public static final String DER_LEP_ETA_CENTRALITY = "DER_lep_eta_centrality";

  /** File column of the event weights. */
  public static final String WEIGHTS = "weights";

  /** File column of the 0/1 signal labels. */
  public static final String LABELS = "labels";

  /** File column of the process names ({@link PhysicsProcess#label()}). */
  public static final String DETAILED_LABELS = "detailed_labels";

  /** The 16 primary features, in the order of the 2025 file. */
  public static final List<String> PRI =
      List.of(
          PRI_LEP_PT,
          PRI_LEP_ETA,
          PRI_LEP_PHI,
          PRI_HAD_PT,
          PRI_HAD_ETA,
          PRI_HAD_PHI,
          PRI_JET_LEADING_PT,
          PRI_JET_LEADING_ETA,
          PRI_JET_LEADING_PHI,
          PRI_JET_SUBLEADING_PT,
          PRI_JET_SUBLEADING_ETA,
          PRI_JET_SUBLEADING_PHI,
          PRI_N_JETS,
          PRI_JET_ALL_PT,
          PRI_MET,
          PRI_MET_PHI);

  /** The 12 derived features, in the order of the 2025 file. */
  public static final List<String> DER =
      List.of(
          DER_MASS_TRANSVERSE_MET_LEP,
          DER_MASS_VIS,
          DER_PT_H,
          DER_DELTAETA_JET_JET,
          DER_MASS_JET_JET,
          DER_PRODETA_JET_JET,
          DER_DELTAR_HAD_LEP,
          DER_PT_TOT,
          DER_SUM_PT,
          DER_PT_RATIO_LEP_HAD,
          DER_MET_PHI_CENTRALITY,
          DER_LEP_ETA_CENTRALITY);

  /** All 28 features: {@link #PRI} then {@link #DER}. */
  public static final List<String> FEATURES = Stream.concat(PRI.stream(), DER.stream()).toList();

  private Columns() {}
}
