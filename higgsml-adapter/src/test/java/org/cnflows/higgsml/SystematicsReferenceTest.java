package org.cnflows.higgsml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Compares the systematics with an independent numpy implementation of the same formulas
 * (benchmarks/scripts/higgsml/systematics_numpy.py; the reference file is written by
 * make_reference.py there): first 1000 events of the 2014 CSV, tes = 1.03, jes = 0.97, soft_met =
 * 0.
 */
class SystematicsReferenceTest {
  @Test
  void matchesTheNumpyImplementationEventByEvent() throws Exception {
    List<String> lines =
        Files.readAllLines(
            Path.of(getClass().getResource("systematics_reference_2014.csv").toURI()));
    List<String> header = Arrays.asList(lines.get(0).split(","));
    EventTable input =
        HiggsMlReader.readCsv2014(TestData.csv2014()).select(IntStream.range(0, 1000).toArray());
    EventTable kept =
        Systematics.apply(
                TestData.withRowColumn(input),
                new NuisanceParameters(1.03, 0.97, 0, 1, 1, 1),
                new SplittableRandom(0))
            .events();
    assertThat(kept.size()).isEqualTo(lines.size() - 1);
    SoftAssertions soft = new SoftAssertions();
    for (int k = 0; k < kept.size(); k++) {
      String[] ref = lines.get(k + 1).split(",");
      assertThat(kept.column(TestData.ROW)[k]).isEqualTo(Float.parseFloat(ref[0]));
      for (int c = 1; c < header.size(); c++) {
        String name = header.get(c);
        double want = Double.parseDouble(ref[c]);
        double got = kept.column(name)[k];
        double tolerance =
            name.equals(Columns.DER_MASS_TRANSVERSE_MET_LEP)
                ? 1e-2
                : name.startsWith("PRI_")
                    ? 1e-3 + 1e-6 * Math.abs(want)
                    : 1e-5 * Math.max(1, Math.abs(want));
        soft.assertThat(got)
            .as("%s of input row %s", name, ref[0])
            .isCloseTo(want, within(tolerance));
      }
    }
    soft.assertAll();
  }
}
