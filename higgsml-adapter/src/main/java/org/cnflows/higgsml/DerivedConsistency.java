package org.cnflows.higgsml;

import java.nio.file.Path;
import java.util.Map;

/**
 * Checks on read that the 12 DER columns of a 2025-format file (or a 2024 one that holds them)
 * agree with the values {@link DerivedFeatures} recomputes from its PRI columns: a corrupt file
 * whose altered bytes still decode to plausible numbers nearly always breaks one of these
 * relations, since every PRI column but the jet count (checked separately) feeds a DER feature.
 * Tolerances are twice those measured against the official values on the real sample
 * (DerivedFeaturesTest): the sentinel exactly; sums, differences, products and ratios to 2 ulps;
 * pt_h and pt_tot to 8e-5 GeV, Delta R to 2e-5, the centralities to 4.8e-7; the masses as squares
 * within 16 ulps of E^2 (E = MET + pt_lep, |p_lep| + |p_had|, |p_j1| + |p_j2|). The 2014 CSV is not
 * checked: its DER values were computed by other code and rounded to 3 decimals.
 */
final class DerivedConsistency {
  private static final Map<String, Double> ABSOLUTE =
      Map.of(
          Columns.DER_PT_H, 8e-5,
          Columns.DER_PT_TOT, 8e-5,
          Columns.DER_DELTAR_HAD_LEP, 2e-5,
          Columns.DER_MET_PHI_CENTRALITY, 4.8e-7,
          Columns.DER_LEP_ETA_CENTRALITY, 4.8e-7);
  private static final double MASS_SQUARE_ULPS = 16;

  private DerivedConsistency() {}

  /**
   * @throws HiggsMlDataException naming the file, the DER column and the first row that disagrees
   */
  static void check(Path file, EventTable chunk, long firstRow) {
    EventTable recomputed = chunk.copy();
    DerivedFeatures.compute(recomputed);
    for (String c : Columns.DER) {
      float[] stored = chunk.column(c);
      float[] want = recomputed.column(c);
      for (int i = 0; i < stored.length; i++) {
        if (!agrees(chunk, c, i, stored[i], want[i])) {
          throw new HiggsMlDataException(
              file,
              c,
              firstRow + i,
              c
                  + " = "
                  + stored[i]
                  + " disagrees with "
                  + want[i]
                  + " recomputed from the PRI columns of the row: a PRI or DER value is corrupt");
        }
      }
    }
  }

  private static boolean agrees(EventTable t, String c, int i, float stored, float want) {
    if ((stored == Columns.MISSING) != (want == Columns.MISSING)) {
      return false;
    }
    if (stored == Columns.MISSING) {
      return true;
    }
    double e = massScale(t, c, i);
    if (!Double.isNaN(e)) {
      double squares = Math.abs((double) stored * stored - (double) want * want);
      return squares <= MASS_SQUARE_ULPS * Math.ulp((float) (e * e));
    }
    double tolerance = ABSOLUTE.getOrDefault(c, 2.0 * Math.ulp(want));
    return Math.abs(stored - want) <= tolerance;
  }

  /** E of a mass feature's difference of squares, NaN for the other features (also for tests). */
  static double massScale(EventTable t, String column, int i) {
    return switch (column) {
      case Columns.DER_MASS_TRANSVERSE_MET_LEP ->
          t.column(Columns.PRI_MET)[i] + t.column(Columns.PRI_LEP_PT)[i];
      case Columns.DER_MASS_VIS ->
          momentum(t, Columns.PRI_LEP_PT, Columns.PRI_LEP_ETA, i)
              + momentum(t, Columns.PRI_HAD_PT, Columns.PRI_HAD_ETA, i);
      case Columns.DER_MASS_JET_JET ->
          momentum(t, Columns.PRI_JET_LEADING_PT, Columns.PRI_JET_LEADING_ETA, i)
              + momentum(t, Columns.PRI_JET_SUBLEADING_PT, Columns.PRI_JET_SUBLEADING_ETA, i);
      default -> Double.NaN;
    };
  }

  private static double momentum(EventTable t, String pt, String eta, int i) {
    return t.column(pt)[i] * Math.cosh(t.column(eta)[i]);
  }
}
