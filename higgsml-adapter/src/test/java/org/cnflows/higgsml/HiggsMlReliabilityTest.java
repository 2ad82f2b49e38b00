package org.cnflows.higgsml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reliability contract of the HiggsML readers, pseudo-experiments and preprocessing (issue 15):
 * inputs a new user might try that once gave answers which looked valid and were not. Each case
 * asserts the exact outcome, a value or the message naming the file, column, row and value. The
 * seeded corruption of the real samples is in {@link HiggsMlFuzzTest}.
 */
class HiggsMlReliabilityTest {
  @TempDir Path tmp;

  private static EventTable sample;
  private static List<String> csvLines;

  @BeforeAll
  static void load() throws IOException {
    sample = TestData.sample2025();
    csvLines = Files.readAllLines(TestData.csv2014(), StandardCharsets.US_ASCII);
  }

  // ---- parquet values ----

  private Path changed(String name, int row, String column, String value) throws Exception {
    Path out = tmp.resolve(name + ".parquet");
    HiggsMlReaderTest.copySampleChangingRow(out, row, column, value);
    return out;
  }

  private static void assertRefused(Path file, String message) {
    assertThatThrownBy(() -> HiggsMlReader.readParquet(file))
        .isInstanceOf(HiggsMlDataException.class)
        .hasMessage(file + message);
  }

  /** Before: read silently. */
  @Test
  void nanAndInfiniteFeatureValuesAreNamed() throws Exception {
    assertRefused(
        changed("nan", 5, Columns.PRI_MET, "'NaN'"),
        ", column 'PRI_met', row 5: value NaN is not finite");
    assertRefused(
        changed("inf", 9, Columns.DER_MASS_VIS, "'Infinity'"),
        ", column 'DER_mass_vis', row 9: value Infinity is not finite");
    assertRefused(
        changed("minf", 0, Columns.PRI_LEP_ETA, "'-Infinity'"),
        ", column 'PRI_lep_eta', row 0: value -Infinity is not finite");
  }

  /** Before: read silently (the class doc said any fault raises). */
  @Test
  void infiniteNegativeAndZeroWeightsAreNamed() throws Exception {
    assertRefused(
        changed("winf", 3, Columns.WEIGHTS, "'Infinity'"),
        ", column 'weights', row 3: value Infinity is not finite");
    assertRefused(
        changed("wneg", 4, Columns.WEIGHTS, "-2"),
        ", column 'weights', row 4: weight -2.0 is not finite and > 0");
    assertRefused(
        changed("wzero", 7, Columns.WEIGHTS, "0"),
        ", column 'weights', row 7: weight 0.0 is not finite and > 0");
  }

  @Test
  void physicallyImpossibleValuesAreNamedWithTheirRange() throws Exception {
    assertRefused(
        changed("eta", 11, Columns.PRI_LEP_ETA, "7"),
        ", column 'PRI_lep_eta', row 11: PRI_lep_eta = 7.0 is outside [-5.0, 5.0], the range of a"
            + " pseudorapidity");
    assertRefused(
        changed("pt", 12, Columns.PRI_HAD_PT, "-3"),
        ", column 'PRI_had_pt', row 12: PRI_had_pt = -3.0 is outside [0.0, 14000.0], the range of"
            + " a transverse momentum (GeV)");
    assertRefused(
        changed("phi", 13, Columns.PRI_MET_PHI, "4"),
        ", column 'PRI_met_phi', row 13: PRI_met_phi = 4.0 is outside [-3.142592653589793,"
            + " 3.142592653589793], the range of an azimuth (rad)");
  }

  /** A plausible but altered PRI value breaks the DER relations it feeds. */
  @Test
  void aPrimaryValueThatContradictsItsDerivedFeaturesIsNamed() throws Exception {
    Path file = changed("lep", 21, Columns.PRI_LEP_PT, "PRI_lep_pt * 1.3");
    float stored = sample.column(Columns.DER_MASS_TRANSVERSE_MET_LEP)[21];
    assertThatThrownBy(() -> HiggsMlReader.readParquet(file))
        .isInstanceOf(HiggsMlDataException.class)
        .hasMessageStartingWith(
            file
                + ", column 'DER_mass_transverse_met_lep', row 21: DER_mass_transverse_met_lep = "
                + stored
                + " disagrees with ")
        .hasMessageEndingWith(
            " recomputed from the PRI columns of the row: a PRI or DER value is corrupt");
  }

  /** The metadata json beside the file states the weights' sum; an altered weight breaks it. */
  @Test
  void weightsThatDoNotSumToTheMetadataAreNamed() throws Exception {
    Path file = changed("FAIR_Universe_HiggsML_data", 2, Columns.WEIGHTS, "weights + 50");
    Files.copy(
        HiggsMlWriter.metadataFile(TestData.parquet2025()), HiggsMlWriter.metadataFile(file));
    double sum = 0;
    for (int i = 0; i < sample.size(); i++) {
      sum += i == 2 ? (float) (sample.weights()[i] + 50) : sample.weights()[i];
    }
    assertRefused(
        file,
        ", column 'weights': weights sum to "
            + sum
            + ", but FAIR_Universe_HiggsML_data_metadata.json says sum_weights = 1051433.0");
  }

  /**
   * Before: 64 scrambled bytes in a data page read 1000 events with altered values. The bytes are
   * the second quarter of the file (data pages of the PRI columns), scrambled by a fixed pattern.
   */
  @Test
  void sixtyFourScrambledBytesInADataPageAreRefused() throws Exception {
    byte[] bytes = Files.readAllBytes(TestData.parquet2025());
    int from = bytes.length / 4;
    for (int k = 0; k < 64; k++) {
      bytes[from + k] = (byte) (bytes[from + k] * 31 + 17);
    }
    Path file = tmp.resolve("scrambled.parquet");
    Files.write(file, bytes);
    // the pattern turns a leading jet's pt into an impossible value
    assertRefused(
        file,
        ", column 'PRI_jet_leading_pt', row 625: PRI_jet_leading_pt = -4.116103E29 is outside"
            + " [0.0, 14000.0], the range of a transverse momentum (GeV) (or -25.0 for missing)");
    // with the sample's checksum beside it, the checksum refuses it first
    Files.copy(FileChecksum.of(TestData.parquet2025()), FileChecksum.of(file));
    assertRefused(file, checksumMismatch(file));
  }

  // ---- checksums (FileChecksum) ----

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  /** The message for a file whose bytes differ from those of the checksum beside it. */
  private static String checksumMismatch(Path file) throws Exception {
    String written = Files.readString(FileChecksum.of(file), StandardCharsets.US_ASCII);
    return ": SHA-256 "
        + sha256(file)
        + " differs from "
        + written.substring(0, 64)
        + " in "
        + FileChecksum.of(file).getFileName()
        + ": the file is not the one the checksum was written for (corrupt, cut or altered)";
  }

  /**
   * Before: a value changed within what the checks tolerate read silently (5 of the 200 fuzz cases
   * changed features in their lowest mantissa bits). A weight moved by 0.5 stays within the
   * metadata's sum tolerance (1 event) and is still read without a checksum; with the sample's
   * checksum beside it, it is refused.
   */
  @Test
  void aValueChangedWithinTheToleranceOfEveryCheckIsRefusedByTheChecksum() throws Exception {
    Path file = changed("FAIR_Universe_HiggsML_data", 30, Columns.WEIGHTS, "weights + 0.5");
    Files.copy(
        HiggsMlWriter.metadataFile(TestData.parquet2025()), HiggsMlWriter.metadataFile(file));
    assertThat(HiggsMlReader.readParquet(file).weights()[30])
        .isEqualTo(sample.weights()[30] + 0.5f);
    Files.copy(FileChecksum.of(TestData.parquet2025()), FileChecksum.of(file));
    assertRefused(file, checksumMismatch(file));
  }

  /**
   * Before: a CSV cut exactly at a line end read fewer events, a digit changed into another read
   * the other number. Without a checksum they still do; with the sample's checksum both are
   * refused.
   */
  @Test
  void aCsvCutAtALineEndOrAChangedDigitIsRefusedByTheChecksum() throws Exception {
    Path cut = csv("cut-at-line-end", lines -> new ArrayList<>(lines.subList(0, 1001)), true);
    assertThat(HiggsMlReader.readCsv2014(cut).size()).isEqualTo(1000);
    Files.copy(FileChecksum.of(TestData.csv2014()), FileChecksum.of(cut));
    assertCsvRefused(cut, checksumMismatch(cut));

    String value = csvLines.get(99).split(",", -1)[14]; // PRI_tau_pt of row 98 (line 100)
    String other = (value.charAt(0) == '9' ? "1" : "9") + value.substring(1);
    Path changed = csv("digit", field(100, 14, other), true);
    assertThat(HiggsMlReader.readCsv2014(changed).column(Columns.PRI_HAD_PT)[98])
        .isEqualTo(Float.parseFloat(other));
    Files.copy(FileChecksum.of(TestData.csv2014()), FileChecksum.of(changed));
    assertCsvRefused(changed, checksumMismatch(changed));
  }

  @Test
  void aChecksumFileThatIsNotAChecksumLineIsNamed() throws Exception {
    Path file = tmp.resolve("copy.parquet");
    Files.copy(TestData.parquet2025(), file);
    Files.writeString(FileChecksum.of(file), "d3a6bc  copy.parquet\n");
    assertThatThrownBy(() -> HiggsMlReader.readParquet(file))
        .isInstanceOf(HiggsMlDataException.class)
        .hasMessage(
            FileChecksum.of(file)
                + ": is not a SHA-256 checksum line ('<64 lower-case hex digits>  <file name>'):"
                + " 'd3a6bc  copy.parquet'");
  }

  @Test
  void theWriterWritesTheChecksumThatShaSumChecks() throws Exception {
    Path file = tmp.resolve("written.parquet");
    HiggsMlWriter.writeParquet(sample, file);
    assertThat(Files.readString(FileChecksum.of(file), StandardCharsets.US_ASCII))
        .isEqualTo(sha256(file) + "  written.parquet\n");
    assertThat(HiggsMlReader.readParquet(file).size()).isEqualTo(1000);
  }

  // ---- 2014 CSV ----

  private Path csv(String name, UnaryOperator<List<String>> edit, boolean finalNewline)
      throws IOException {
    List<String> lines = edit.apply(new ArrayList<>(csvLines));
    Path out = tmp.resolve(name + ".csv");
    Files.writeString(
        out, String.join("\n", lines) + (finalNewline ? "\n" : ""), StandardCharsets.ISO_8859_1);
    return out;
  }

  private static UnaryOperator<List<String>> field(int line, int field, String value) {
    return lines -> {
      String[] f = lines.get(line - 1).split(",", -1);
      f[field] = value;
      lines.set(line - 1, String.join(",", f));
      return lines;
    };
  }

  private static void assertCsvRefused(Path file, String message) {
    assertThatThrownBy(() -> HiggsMlReader.readCsv2014(file))
        .isInstanceOf(HiggsMlDataException.class)
        .hasMessage(file + message);
  }

  /**
   * Before: "Invalid result set" (no line, no column); 21000 is past DuckDB's 20480-line sample.
   */
  @Test
  void aGarbledLinePastTheSniffingSampleNamesLineAndField() throws Exception {
    assertCsvRefused(
        csv("garbled", field(21_000, 14, "3x.5"), true),
        ", column 'PRI_tau_pt', row 20998: line 21000: '3x.5' is not a number");
  }

  /** Before: "column 'PRI_lep_pt': missing" with the whole header as one column. */
  @Test
  void aTruncatedLineNearTheTopNamesTheLine() throws Exception {
    String cut = csvLines.get(2).substring(0, 40);
    int fields = cut.split(",", -1).length;
    assertCsvRefused(
        csv(
            "cut",
            lines -> {
              lines.set(2, cut);
              return lines;
            },
            true),
        ", row 1: line 3 has " + fields + " fields, the header 35 (a cut or garbled line)");
  }

  @Test
  void aFileCutInsideItsLastLineIsTruncated() throws Exception {
    assertCsvRefused(
        csv("nonewline", lines -> lines, false),
        ", row 22888: line 22890 has no line end: the file looks truncated");
  }

  @Test
  void aMissingHeaderFieldIsNamedWithTheHeader() throws Exception {
    Path file = csv("header", field(1, 17, "PRI_lep_ptX"), true);
    List<String> header =
        List.of(csvLines.get(0).replace("PRI_lep_pt,", "PRI_lep_ptX,").split(","));
    assertThat(header).startsWith("EventId", "DER_mass_MMC").contains("PRI_lep_ptX").hasSize(35);
    assertCsvRefused(
        file,
        ", column 'PRI_lep_pt': missing from the header (line 1), which has fields " + header);
  }

  @Test
  void nanLabelsAndNegativeWeightsInTheCsvAreNamed() throws Exception {
    assertCsvRefused(
        csv("nan", field(10, 3, "NaN"), true),
        ", column 'DER_mass_vis', row 8: line 10: 'NaN' is not a number");
    assertCsvRefused(
        csv("label", field(5, 32, "x"), true),
        ", column 'Label', row 3: line 5: 'x' is not one of [s, b]");
    assertCsvRefused(
        csv("weight", field(6, 31, "-1"), true),
        ", column 'Weight', row 4: weight -1.0 is not finite and > 0");
    UnaryOperator<List<String>> latin1 = field(7, 17, "2\u00e95");
    int character = latin1.apply(new ArrayList<>(csvLines)).get(6).indexOf('\u00e9') + 1;
    assertCsvRefused(
        csv("byte", latin1, true),
        ", column 'PRI_lep_pt', row 5: line 7, character "
            + character
            + ": byte 0xE9 is not printable ASCII");
  }

  // ---- pseudo-experiments and preprocessing ----

  /** Before: NegativeArraySizeException (int overflow). */
  @Test
  void aHugeWeightIsRefusedNamingTheEvent() {
    EventTable t = sample.copy();
    t.weights()[0] = 3e9f;
    double expected = 0; // sum of weight x norm at the nominal point, mu = 1: the weights' sum
    for (float w : t.weights()) {
      expected += w * 1.0;
    }
    assertThatThrownBy(() -> new PseudoExperiments(t).generate(1.0, NuisanceParameters.NOMINAL, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the source expects "
                + expected
                + " events for mu = 1.0, more than one table holds (2147483639); the most from event 0"
                + " ("
                + t.process(0)
                + ", weight 3.0E9)");
    t.weights()[0] = Float.NaN;
    assertThatThrownBy(() -> new PseudoExperiments(t).generate(1.0, NuisanceParameters.NOMINAL, 1))
        .hasMessage(
            "event 0 ("
                + t.process(0)
                + ", weight NaN) expects NaN events for mu = 1.0: not a finite count >= 0");
  }

  /** Before: "no spread (sd = NaN)"; then "set 0, row k, feature j". */
  @Test
  void aNonFiniteTrainingValueIsNamedWithFeatureAndTableRow() {
    int row = JetCategory.ZERO.rows(sample)[3];
    EventTable t = sample.copy();
    t.column(Columns.PRI_MET)[row] = Float.NaN;
    assertThatThrownBy(() -> Preprocessor.fit(t))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "jet category ZERO: feature PRI_met at table row "
                + row
                + " is NaN, not a finite value to fit");
    t.column(Columns.PRI_MET)[row] = -2f;
    assertThatThrownBy(() -> Preprocessor.fit(t))
        .hasMessage(
            "jet category ZERO: feature PRI_met at table row "
                + row
                + " is -2.0, whose log(1 + F) = NaN, not a finite value to fit");
  }

  @Test
  void theCleanSamplesStillRead() {
    assertThat(HiggsMlReader.readParquet(TestData.parquet2025()).size()).isEqualTo(1000);
    assertThat(HiggsMlReader.readCsv2014(TestData.csv2014()).size()).isEqualTo(22_889);
  }
}
