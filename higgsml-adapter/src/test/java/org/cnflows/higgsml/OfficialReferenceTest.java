package org.cnflows.higgsml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Holds {@link Systematics} and {@link DerivedFeatures} against the float32 transcription of the
 * challenge's official code ({@code benchmarks/scripts/higgsml/official_float32.py}; the reference
 * files are written by {@code make_reference.py} there) at soft_met = 0 and five (tes, jes) points,
 * on the 1000-event 2025 sample and the first 400 events of the 2014 CSV: the same input rows kept,
 * every PRI value bit-identical, every DER value within one float32 ulp of the reference (all are
 * bit-identical today).
 */
class OfficialReferenceTest {
  /** Events of the 2014 CSV the reference covers (make_reference.py's EVENTS_2014). */
  private static final int EVENTS_2014 = 400;

  @ParameterizedTest
  @ValueSource(strings = {"2025", "2014"})
  void keptRowsPrimaryAndDerivedValuesMatchTheOfficialFloat32Formulas(String sample)
      throws Exception {
    EventTable input =
        sample.equals("2025")
            ? TestData.sample2025()
            : HiggsMlReader.readCsv2014(TestData.csv2014())
                .select(IntStream.range(0, EVENTS_2014).toArray());
    List<String> lines =
        Files.readAllLines(
            Path.of(getClass().getResource("official_float32_" + sample + ".csv").toURI()));
    List<String> header = Arrays.asList(lines.get(0).split(","));
    Map<String, List<String[]>> points = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      points.computeIfAbsent(f[0] + "," + f[1], k -> new ArrayList<>()).add(f);
    }
    assertThat(points).hasSize(5).containsKeys("1.1,0.9", "0.93,1.08");

    SoftAssertions soft = new SoftAssertions();
    int remainders = 0;
    for (Map.Entry<String, List<String[]>> point : points.entrySet()) {
      List<String[]> ref = point.getValue();
      double tes = Double.parseDouble(ref.get(0)[0]);
      double jes = Double.parseDouble(ref.get(0)[1]);
      SystematicsResult r =
          Systematics.apply(
              input, new NuisanceParameters(tes, jes, 0, 1, 1, 1), new SplittableRandom(0));
      int[] wantRows = ref.stream().mapToInt(f -> Integer.parseInt(f[2])).toArray();
      assertThat(r.keptRows()).as("kept rows at %s", point.getKey()).isEqualTo(wantRows);

      float[] nJets = r.events().column(Columns.PRI_N_JETS);
      float[] jetAllPt = r.events().column(Columns.PRI_JET_ALL_PT);
      for (int k = 0; k < nJets.length; k++) {
        remainders += nJets[k] == 0 && jetAllPt[k] != 0 ? 1 : 0;
      }
      StringBuilder report = new StringBuilder();
      for (int c = 3; c < header.size(); c++) {
        String name = header.get(c);
        float[] got = r.events().column(name);
        double maxDev = 0;
        int differing = 0;
        for (int k = 0; k < ref.size(); k++) {
          float want = Float.parseFloat(ref.get(k)[c]);
          float value = got[k];
          boolean same = Float.floatToIntBits(value) == Float.floatToIntBits(want);
          if (same) {
            continue;
          }
          differing++;
          double dev = Math.abs((double) value - want);
          maxDev = Math.max(maxDev, dev);
          String what = "%s of input row %d at (tes, jes) = (%s): got %s, reference %s";
          Object[] args = {name, wantRows[k], point.getKey(), value, want};
          if (name.startsWith("PRI_")) {
            soft.fail(String.format(Locale.ROOT, what, args));
          } else if (!(dev <= Math.ulp(want))) {
            soft.fail(String.format(Locale.ROOT, what + " (more than 1 ulp)", args));
          }
        }
        if (differing > 0) {
          report.append(
              String.format(Locale.ROOT, " %s %d differ (max %.2g);", name, differing, maxDev));
        }
      }
      System.out.printf(
          Locale.ROOT,
          "official float32 reference, %s sample, (tes, jes) = (%s): %d of %d kept;%s%n",
          sample,
          point.getKey(),
          ref.size(),
          input.size(),
          report.length() == 0 ? " all values bit-identical" : report);
    }
    soft.assertAll();
    if (sample.equals("2025")) {
      // the official leftover: events that lost all their jets keep an unrounded float32
      // remainder in PRI_jet_all_pt (1.9e-6 at (1.05, 0.97), +-0.000999 at (1.1, 0.9))
      assertThat(remainders).isEqualTo(4);
    }
  }
}
