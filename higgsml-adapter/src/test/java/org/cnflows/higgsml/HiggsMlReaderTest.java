package org.cnflows.higgsml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.cnflows.higgsml.internal.DuckDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HiggsMlReaderTest {
  @TempDir Path tmp;

  @Test
  void readsThe2025SampleWithItsWeightsAndProcesses() {
    EventTable t = TestData.sample2025();
    assertThat(t.size()).isEqualTo(1000);
    assertThat(t.columnNames()).isEqualTo(Columns.FEATURES);
    double sum = 0;
    for (PhysicsProcess p : PhysicsProcess.values()) {
      sum += t.sumWeights(p);
    }
    assertThat(sum).isCloseTo(1_051_433, within(1.0));
    assertThat(
            t.count(PhysicsProcess.HTAUTAU)
                + t.count(PhysicsProcess.ZTAUTAU)
                + t.count(PhysicsProcess.TTBAR)
                + t.count(PhysicsProcess.DIBOSON))
        .isEqualTo(1000);
    assertThat(t.column(Columns.PRI_N_JETS)).contains(0f, 1f, 2f);
  }

  @Test
  void projectionAndChunksGiveTheSameValuesAsAFullRead() {
    EventTable full = TestData.sample2025();
    List<String> cols = List.of(Columns.PRI_MET, Columns.DER_MASS_VIS);
    EventTable projected = HiggsMlReader.readParquet(TestData.parquet2025(), cols);
    assertThat(projected.columnNames()).isEqualTo(cols);
    assertThat(projected.column(Columns.PRI_MET)).isEqualTo(full.column(Columns.PRI_MET));
    List<EventTable> chunks = new ArrayList<>();
    long rows = HiggsMlReader.readParquetChunks(TestData.parquet2025(), cols, 300, chunks::add);
    assertThat(rows).isEqualTo(1000);
    assertThat(chunks).extracting(EventTable::size).containsExactly(300, 300, 300, 100);
    EventTable joined = EventTable.concat(chunks);
    assertThat(joined.column(Columns.DER_MASS_VIS)).isEqualTo(full.column(Columns.DER_MASS_VIS));
    assertThat(joined.weights()).isEqualTo(full.weights());
    assertThat(joined.processes()).isEqualTo(full.processes());
  }

  @Test
  void reads2014CsvWithRenamedColumnsAndTheNewSentinel() {
    EventTable t = HiggsMlReader.readCsv2014(TestData.csv2014());
    assertThat(t.size()).isEqualTo(22_889);
    assertThat(t.count(PhysicsProcess.HTAUTAU)).isEqualTo(7_817);
    assertThat(t.count(PhysicsProcess.BACKGROUND)).isEqualTo(15_072);
    // first row: EventId 100000, PRI_tau_pt 32.638, PRI_jet_num 2, Weight 0.00081448039868, s
    assertThat(t.column(Columns.PRI_HAD_PT)[0]).isEqualTo(32.638f);
    assertThat(t.column(Columns.PRI_N_JETS)[0]).isEqualTo(2f);
    assertThat(t.weights()[0]).isEqualTo(0.00081448039868f);
    assertThat(t.column(Columns.DER_DELTAR_HAD_LEP)[0]).isEqualTo(3.064f);
    // second row has one jet: the subleading jet and the jet-jet DER features are missing
    assertThat(t.column(Columns.PRI_JET_SUBLEADING_PT)[1]).isEqualTo(Columns.MISSING);
    assertThat(t.column(Columns.DER_MASS_JET_JET)[1]).isEqualTo(Columns.MISSING);
    for (String c : Columns.FEATURES) {
      for (float v : t.column(c)) {
        assertThat(v).as(c).isNotEqualTo(-999f);
      }
    }
  }

  @Test
  void writerRoundTripsThe2025Layout() throws IOException {
    EventTable t = TestData.sample2025();
    Path out = tmp.resolve("copy.parquet");
    HiggsMlWriter.writeParquet(t, out);
    EventTable back = HiggsMlReader.readParquet(out);
    for (String c : Columns.FEATURES) {
      assertThat(back.column(c)).as(c).isEqualTo(t.column(c));
    }
    assertThat(back.weights()).isEqualTo(t.weights());
    assertThat(back.processes()).isEqualTo(t.processes());
    String meta = Files.readString(tmp.resolve("copy_metadata.json"));
    assertThat(meta)
        .contains("\"total_rows\": 1000", "\"total_columns\": 31", "\"luminosity\": 10");
    assertThat(meta).contains("\"sum_weights\": 10514");
  }

  @Test
  void reads2024TrainingAndTestLayouts() throws Exception {
    EventTable t = TestData.sample2025();
    Path train = tmp.resolve("train");
    Files.createDirectories(train.resolve("data"));
    String features =
        Columns.FEATURES.stream().map(DuckDb::identifier).collect(Collectors.joining(", "));
    copySample(features, "true", train.resolve("data/data.parquet"));
    writeLines(train.resolve("weights/data.weights"), i -> Float.toString(t.weights()[i]), t);
    writeLines(train.resolve("labels/data.labels"), i -> t.process(i).isSignal() ? "1" : "0", t);
    writeLines(train.resolve("detailed_labels/data.detailed_labels"), i -> t.process(i).label(), t);
    EventTable readTrain = HiggsMlReader.read2024Train(train);
    assertThat(readTrain.column(Columns.PRI_HAD_PT)).isEqualTo(t.column(Columns.PRI_HAD_PT));
    assertThat(readTrain.weights()).isEqualTo(t.weights());
    assertThat(readTrain.processes()).isEqualTo(t.processes());

    Path test = tmp.resolve("test");
    Files.createDirectories(test.resolve("data"));
    for (PhysicsProcess p : PhysicsProcess.CHALLENGE) {
      copySample(
          features + ", weights",
          "detailed_labels = '" + p.label() + "'",
          test.resolve("data/" + p.label() + "_data.parquet"));
    }
    CompetitionTestSet testSet = HiggsMlReader.read2024Test(test, true);
    assertThat(testSet.derivedComputed()).isFalse();
    assertThat(testSet.missingProcesses()).isEmpty();
    EventTable readTest = testSet.events();
    assertThat(readTest.size()).isEqualTo(1000);
    assertThat(HiggsMlReader.read2024Settings(test)).isEmpty();
    Files.createDirectories(test.resolve("settings"));
    Files.writeString(
        test.resolve("settings/data.json"), "{\"ground_truth_mus\": [1.0, 2.5], \"seed\": 31}");
    var settings = HiggsMlReader.read2024Settings(test).orElseThrow();
    assertThat(settings.keySet()).containsExactly("ground_truth_mus", "seed");
    assertThat(settings.get("ground_truth_mus").getAsJsonArray().get(1).getAsDouble())
        .isEqualTo(2.5);
    Files.writeString(test.resolve("settings/data.json"), "[1, 2");
    assertThatThrownBy(() -> HiggsMlReader.read2024Settings(test))
        .isInstanceOf(HiggsMlDataException.class)
        .hasMessageContaining("settings" + java.io.File.separator + "data.json");
    for (PhysicsProcess p : PhysicsProcess.CHALLENGE) {
      assertThat(readTest.count(p)).isEqualTo(t.count(p));
      assertThat(readTest.sumWeights(p)).isCloseTo(t.sumWeights(p), within(1e-3 * t.sumWeights(p)));
    }
  }

  @Test
  void reads2024TestFilesWithOnlyPrimaryColumnsAndAMissingProcessComputingDer() throws Exception {
    EventTable t = TestData.sample2025();
    Path test = tmp.resolve("test_pri");
    Files.createDirectories(test.resolve("data"));
    String pri = Columns.PRI.stream().map(DuckDb::identifier).collect(Collectors.joining(", "));
    List<EventTable> expected = new ArrayList<>();
    for (PhysicsProcess p : List.of(PhysicsProcess.HTAUTAU, PhysicsProcess.ZTAUTAU)) {
      copySample(
          pri + ", weights",
          "detailed_labels = '" + p.label() + "'",
          test.resolve("data/" + p.label() + "_data.parquet"));
      expected.add(t.select(IntStream.range(0, t.size()).filter(i -> t.process(i) == p).toArray()));
    }
    CompetitionTestSet set = HiggsMlReader.read2024Test(test);
    assertThat(set.derivedComputed()).isTrue();
    assertThat(set.missingProcesses())
        .containsExactlyInAnyOrder(PhysicsProcess.TTBAR, PhysicsProcess.DIBOSON);
    EventTable want = EventTable.concat(expected);
    EventTable got = set.events();
    assertThat(got.columnNames()).isEqualTo(Columns.FEATURES);
    assertThat(got.size()).isEqualTo(want.size()).isLessThan(t.size());
    assertThat(got.processes()).isEqualTo(want.processes());
    assertThat(got.weights()).isEqualTo(want.weights());
    for (String c : Columns.PRI) {
      assertThat(got.column(c)).as(c).isEqualTo(want.column(c));
    }
    // computed on read: these four are bit-identical to the official stored values on this sample
    for (String c :
        List.of(
            Columns.DER_SUM_PT,
            Columns.DER_PT_RATIO_LEP_HAD,
            Columns.DER_DELTAETA_JET_JET,
            Columns.DER_DELTAR_HAD_LEP)) {
      assertThat(got.column(c)).as(c).isEqualTo(want.column(c));
    }
    EventTable recomputed = want.copy();
    DerivedFeatures.compute(recomputed);
    for (String c : Columns.DER) {
      assertThat(got.column(c)).as(c).isEqualTo(recomputed.column(c));
    }
    assertThatThrownBy(() -> HiggsMlReader.read2024Test(test, true))
        .isInstanceOf(HiggsMlDataException.class)
        .hasMessageContaining("ttbar_data.parquet")
        .hasMessageContaining("all processes required");
    Path empty = tmp.resolve("test_empty");
    Files.createDirectories(empty.resolve("data"));
    assertThatThrownBy(() -> HiggsMlReader.read2024Test(empty))
        .isInstanceOf(HiggsMlDataException.class)
        .hasMessageContaining("none of the process files");
  }

  @Test
  void aFileWithSomeButNotAllDerColumnsIsReported() throws Exception {
    Path test = tmp.resolve("test_partial");
    Files.createDirectories(test.resolve("data"));
    copySample(
        "* EXCLUDE (DER_pt_h, labels, detailed_labels)",
        "detailed_labels = 'ztautau'",
        test.resolve("data/ztautau_data.parquet"));
    assertThatThrownBy(() -> HiggsMlReader.read2024Test(test))
        .isInstanceOf(HiggsMlDataException.class)
        .hasMessageContaining("ztautau_data.parquet")
        .hasMessageContaining("column 'DER_pt_h'")
        .hasMessageContaining("all 12 or none");
  }

  @Test
  void aShiftedColumnInPriNJetsIsReportedWithFileColumnAndFirstBadRow() throws Exception {
    Path bad = tmp.resolve("shifted.parquet");
    copySample("* REPLACE (PRI_met AS PRI_n_jets)", "true", bad);
    float[] met = TestData.sample2025().column(Columns.PRI_MET);
    int first =
        IntStream.range(0, met.length).filter(i -> met[i] != Math.rint(met[i])).min().orElseThrow();
    assertBadValue(bad, Columns.PRI_N_JETS, first, "is not a non-negative integer");
  }

  @Test
  void aNegativeJetCountIsReported() throws Exception {
    Path bad = tmp.resolve("negative.parquet");
    copySampleChangingRow(bad, 17, Columns.PRI_N_JETS, "-1.0");
    assertBadValue(bad, Columns.PRI_N_JETS, 17, "PRI_n_jets = -1.0 is not a non-negative integer");
  }

  @Test
  void aJetValueWhereTheCountSaysThereIsNoJetIsReported() throws Exception {
    EventTable t = TestData.sample2025();
    int row = nthRow(t, 0, 4);
    Path bad = tmp.resolve("ghost_jet.parquet");
    copySampleChangingRow(bad, row, Columns.PRI_JET_LEADING_ETA, "0.5");
    assertBadValue(
        bad, Columns.PRI_JET_LEADING_ETA, row, "says there is no leading jet (expected -25)");
  }

  @Test
  void aMissingJetWhereTheCountSaysThereIsOneIsReported() throws Exception {
    EventTable t = TestData.sample2025();
    int row = nthRow(t, 2, 3);
    Path bad = tmp.resolve("lost_jet.parquet");
    copySampleChangingRow(bad, row, Columns.PRI_JET_SUBLEADING_PT, "-25.0");
    assertBadValue(bad, Columns.PRI_JET_SUBLEADING_PT, row, "says the subleading jet exists");
  }

  /** The row of the n-th (0-based) event with exactly {@code jets} jets. */
  private static int nthRow(EventTable t, int jets, int n) {
    float[] nJets = t.column(Columns.PRI_N_JETS);
    return IntStream.range(0, t.size())
        .filter(i -> nJets[i] == jets)
        .skip(n)
        .findFirst()
        .orElseThrow();
  }

  private static void assertBadValue(Path file, String column, long row, String problem) {
    assertThatThrownBy(() -> HiggsMlReader.readParquet(file))
        .isInstanceOfSatisfying(
            HiggsMlDataException.class,
            e -> {
              assertThat(e.file()).isEqualTo(file);
              assertThat(e.column()).isEqualTo(column);
              assertThat(e.row()).hasValue(row);
            })
        .hasMessageContaining(file.getFileName().toString())
        .hasMessageContaining("column '" + column + "', row " + row + ": ")
        .hasMessageContaining(problem);
  }

  /** Writes the 2025 sample with the float {@code value} in one row of one column. */
  static void copySampleChangingRow(Path out, int row, String column, String value)
      throws SQLException {
    try (Connection c = DuckDb.open();
        Statement st = c.createStatement()) {
      st.execute(
          "COPY (SELECT * EXCLUDE (file_row_number) REPLACE (CASE WHEN file_row_number = "
              + row
              + " THEN "
              + value
              + "::FLOAT ELSE "
              + column
              + " END AS "
              + column
              + ") FROM read_parquet("
              + DuckDb.literal(TestData.parquet2025())
              + ", file_row_number = true)) TO "
              + DuckDb.literal(out)
              + " (FORMAT parquet)");
    }
  }

  @Test
  void missingColumnIsNamedWithTheFile() throws Exception {
    Path bad = tmp.resolve("no_met.parquet");
    copySample("* EXCLUDE (PRI_met)", "true", bad);
    assertThatThrownBy(() -> HiggsMlReader.readParquet(bad))
        .isInstanceOf(HiggsMlDataException.class)
        .hasMessageContaining("no_met.parquet")
        .hasMessageContaining("column 'PRI_met'")
        .hasMessageContaining("missing");
  }

  @Test
  void wrongTypeIsNamedWithTheFileAndColumn() throws Exception {
    Path bad = tmp.resolve("text_met.parquet");
    copySample("* REPLACE (CAST(PRI_met AS VARCHAR) AS PRI_met)", "true", bad);
    assertThatThrownBy(() -> HiggsMlReader.readParquet(bad))
        .isInstanceOf(HiggsMlDataException.class)
        .hasMessageContaining("text_met.parquet")
        .hasMessageContaining("column 'PRI_met'")
        .hasMessageContaining("VARCHAR");
  }

  @Test
  void truncatedCorruptMissingAndEmptyFilesAreReportedWithTheirName() throws Exception {
    byte[] bytes = Files.readAllBytes(TestData.parquet2025());
    Path truncated = tmp.resolve("truncated.parquet");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> HiggsMlReader.readParquet(truncated))
        .isInstanceOf(HiggsMlDataException.class)
        .hasMessageContaining("truncated.parquet");
    Path garbage = tmp.resolve("garbage.parquet");
    Files.writeString(garbage, "not a parquet file");
    assertThatThrownBy(() -> HiggsMlReader.readParquet(garbage))
        .isInstanceOf(HiggsMlDataException.class)
        .hasMessageContaining("garbage.parquet");
    assertThatThrownBy(() -> HiggsMlReader.readParquet(tmp.resolve("absent.parquet")))
        .isInstanceOf(HiggsMlDataException.class)
        .hasMessageContaining("absent.parquet")
        .hasMessageContaining("no such file");
    Path empty = tmp.resolve("empty.parquet");
    copySample("*", "false", empty);
    assertThatThrownBy(() -> HiggsMlReader.readParquet(empty))
        .isInstanceOf(HiggsMlDataException.class)
        .hasMessageContaining("empty.parquet")
        .hasMessageContaining("no events");
    assertThatThrownBy(() -> HiggsMlReader.readParquet(TestData.parquet2025(), List.of()))
        .isInstanceOf(HiggsMlDataException.class)
        .hasMessageContaining("empty column selection");
  }

  @Test
  void unknownProcessAndContradictingLabelAreReported() throws Exception {
    Path bad = tmp.resolve("bad_label.parquet");
    copySample(
        "* REPLACE (CASE WHEN labels = 1 THEN 0.0::FLOAT ELSE labels END AS labels)", "true", bad);
    assertThatThrownBy(() -> HiggsMlReader.readParquet(bad))
        .isInstanceOf(HiggsMlDataException.class)
        .hasMessageContaining("bad_label.parquet")
        .hasMessageContaining("contradicts process HTAUTAU");
    Path unknown = tmp.resolve("unknown.parquet");
    copySample("* REPLACE ('wjets' AS detailed_labels)", "true", unknown);
    assertThatThrownBy(() -> HiggsMlReader.readParquet(unknown))
        .isInstanceOf(HiggsMlDataException.class)
        .hasMessageContaining("column 'detailed_labels'")
        .hasMessageContaining("'wjets'");
  }

  /** Writes {@code SELECT select FROM <2025 sample> WHERE where} to a parquet. */
  private static void copySample(String select, String where, Path out) throws SQLException {
    try (Connection c = DuckDb.open();
        Statement st = c.createStatement()) {
      st.execute(
          "COPY (SELECT "
              + select
              + " FROM read_parquet("
              + DuckDb.literal(TestData.parquet2025())
              + ") WHERE "
              + where
              + ") TO "
              + DuckDb.literal(out)
              + " (FORMAT parquet)");
    }
  }

  private static void writeLines(
      Path file, java.util.function.IntFunction<String> value, EventTable t) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, IntStream.range(0, t.size()).mapToObj(value).toList());
  }
}
