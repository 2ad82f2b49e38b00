package org.cnflows.higgsml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

class DerivedFeaturesTest {
  /** Absolute tolerances of data/README.md. */
  private static final Map<String, Double> README_ABSOLUTE =
      Map.of(
          Columns.DER_MASS_TRANSVERSE_MET_LEP, 8e-3,
          Columns.DER_MASS_VIS, 6e-4,
          Columns.DER_PT_H, 4e-5,
          Columns.DER_PT_TOT, 4e-5,
          Columns.DER_SUM_PT, 4e-5,
          Columns.DER_DELTAR_HAD_LEP, 1e-5);

  /** Relative tolerance of the features the README does not list (float32, cancellation). */
  private static final double OTHER_RELATIVE = 1e-4;

  @Test
  void recomputingFromPrimaryReproducesTheOfficialValuesOnTheRealSample() {
    EventTable stored = SharedData.sample2025();
    EventTable recomputed = stored.copy();
    for (String c : Columns.DER) {
      Arrays.fill(recomputed.column(c), Float.NaN);
    }
    DerivedFeatures.compute(recomputed);
    StringBuilder report = new StringBuilder();
    SoftAssertions soft = new SoftAssertions();
    for (String c : Columns.DER) {
      float[] want = stored.column(c);
      float[] got = recomputed.column(c);
      double maxAbs = 0;
      double maxRel = 0;
      for (int i = 0; i < want.length; i++) {
        assertThat(got[i] == Columns.MISSING)
            .as("%s sentinel at row %d (stored %s, got %s)", c, i, want[i], got[i])
            .isEqualTo(want[i] == Columns.MISSING);
        double dev = Math.abs(got[i] - want[i]);
        maxAbs = Math.max(maxAbs, dev);
        maxRel = Math.max(maxRel, dev / Math.max(1.0, Math.abs(want[i])));
      }
      report.append(String.format("%s max |dev| %.2e, relative %.2e%n", c, maxAbs, maxRel));
      if (README_ABSOLUTE.containsKey(c)) {
        soft.assertThat(maxAbs).as(c).isLessThanOrEqualTo(README_ABSOLUTE.get(c));
      } else {
        soft.assertThat(maxRel).as(c).isLessThanOrEqualTo(OTHER_RELATIVE);
      }
    }
    System.out.print(report);
    soft.assertAll();
  }
}
