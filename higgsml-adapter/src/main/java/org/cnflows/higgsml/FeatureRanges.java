package org.cnflows.higgsml;

import java.util.HashMap;
import java.util.Map;

/**
 * The values each feature can physically take, checked on read ({@link HiggsMlReader}) to catch
 * values that a corrupt file turns into numbers which still parse: transverse momenta and masses in
 * [0, 14000] GeV (the LHC's centre-of-mass energy bounds them), pseudorapidities within +-5,
 * azimuths within +-(pi + 1e-3) (files round phi to 3 decimals), the jet count in [0, 50], Delta R
 * in [0, 11], the centralities in [-sqrt 2, sqrt 2] and [0, 1], the eta product in [-25, 25], the
 * pt ratio in [0, 1000]. Features that are undefined for some events (the jet quantities, and the
 * DER features that need two jets or a non-zero denominator) may also be {@link Columns#MISSING}.
 * The bounds hold with margin on both real samples in {@code data/}.
 */
final class FeatureRanges {
  private static final double MAX_ENERGY = 14000;
  private static final double MAX_ETA = 5;
  private static final double MAX_PHI = Math.PI + 1e-3;
  private static final double SQRT2 = Math.sqrt(2) + 1e-5;

  private record Range(double lo, double hi, boolean missingAllowed, String meaning) {}

  private static final Map<String, Range> RANGES = ranges();

  private FeatureRanges() {}

  private static Map<String, Range> ranges() {
    Map<String, Range> r = new HashMap<>();
    String pt = "a transverse momentum (GeV)";
    String eta = "a pseudorapidity";
    String phi = "an azimuth (rad)";
    for (String p : new String[] {"lep", "had"}) {
      r.put("PRI_" + p + "_pt", new Range(0, MAX_ENERGY, false, pt));
      r.put("PRI_" + p + "_eta", new Range(-MAX_ETA, MAX_ETA, false, eta));
      r.put("PRI_" + p + "_phi", new Range(-MAX_PHI, MAX_PHI, false, phi));
    }
    for (String j : new String[] {"leading", "subleading"}) {
      r.put("PRI_jet_" + j + "_pt", new Range(0, MAX_ENERGY, true, pt));
      r.put("PRI_jet_" + j + "_eta", new Range(-MAX_ETA, MAX_ETA, true, eta));
      r.put("PRI_jet_" + j + "_phi", new Range(-MAX_PHI, MAX_PHI, true, phi));
    }
    r.put(Columns.PRI_N_JETS, new Range(0, 50, false, "a jet count"));
    r.put(Columns.PRI_JET_ALL_PT, new Range(0, MAX_ENERGY, false, pt));
    r.put(Columns.PRI_MET, new Range(0, MAX_ENERGY, false, pt));
    r.put(Columns.PRI_MET_PHI, new Range(-MAX_PHI, MAX_PHI, false, phi));
    String mass = "a mass or momentum (GeV)";
    for (String c :
        new String[] {
          Columns.DER_MASS_TRANSVERSE_MET_LEP,
          Columns.DER_MASS_VIS,
          Columns.DER_PT_H,
          Columns.DER_PT_TOT,
          Columns.DER_SUM_PT
        }) {
      r.put(c, new Range(0, MAX_ENERGY, false, mass));
    }
    r.put(Columns.DER_MASS_JET_JET, new Range(0, MAX_ENERGY, true, mass));
    r.put(
        Columns.DER_DELTAETA_JET_JET,
        new Range(0, 2 * MAX_ETA, true, "a pseudorapidity difference"));
    r.put(
        Columns.DER_PRODETA_JET_JET,
        new Range(-MAX_ETA * MAX_ETA, MAX_ETA * MAX_ETA, true, "a pseudorapidity product"));
    r.put(Columns.DER_DELTAR_HAD_LEP, new Range(0, 11, false, "a Delta R"));
    r.put(Columns.DER_PT_RATIO_LEP_HAD, new Range(0, 1000, false, "a momentum ratio"));
    r.put(Columns.DER_MET_PHI_CENTRALITY, new Range(-SQRT2, SQRT2, true, "the MET phi centrality"));
    r.put(Columns.DER_LEP_ETA_CENTRALITY, new Range(0, 1 + 1e-6, true, "a centrality"));
    return Map.copyOf(r);
  }

  /**
   * What is wrong with {@code value} of {@code feature} (a 2025 feature name), or null if it is
   * plausible; features without a range (none of the 28) pass.
   */
  static String problem(String feature, float value) {
    Range r = RANGES.get(feature);
    if (r == null || (r.missingAllowed() && value == Columns.MISSING)) {
      return null;
    }
    if (value >= r.lo() && value <= r.hi()) {
      return null;
    }
    return feature
        + " = "
        + value
        + " is outside ["
        + r.lo()
        + ", "
        + r.hi()
        + "], the range of "
        + r.meaning()
        + (r.missingAllowed() ? " (or " + Columns.MISSING + " for missing)" : "");
  }
}
