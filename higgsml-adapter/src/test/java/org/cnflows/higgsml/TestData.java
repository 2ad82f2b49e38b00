package org.cnflows.higgsml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Locates the repository's real HiggsML samples ({@code data/}, system property {@code
 * cnflows.data.dir} set by the build).
 */
final class TestData {
  private TestData() {}

  static Path dir() {
    String dir = System.getProperty("cnflows.data.dir");
    if (dir == null) {
      throw new IllegalStateException("system property cnflows.data.dir is not set");
    }
    Path p = Path.of(dir);
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException("data directory " + p + " does not exist");
    }
    return p;
  }

  /** The 1000-event 2025 sample. */
  static Path parquet2025() {
    return dir().resolve("fair-universe-higgsml-sample/FAIR_Universe_HiggsML_data.parquet");
  }

  /** The 22,889-event 2014 sample. */
  static Path csv2014() {
    return dir().resolve("atlas-higgs-2014/atlas-higgs-challenge-2014-v2-first22889.csv");
  }

  /** Name of the column {@link #withRowColumn} adds. */
  static final String ROW = "row";

  /**
   * The table with an extra column holding each event's row, so that events kept by a selection can
   * be matched with their input (systematics carry extra columns through).
   */
  static EventTable withRowColumn(EventTable t) {
    Map<String, float[]> cols = new LinkedHashMap<>();
    for (String c : t.columnNames()) {
      cols.put(c, t.column(c));
    }
    float[] row = new float[t.size()];
    for (int i = 0; i < row.length; i++) {
      row[i] = i;
    }
    cols.put(ROW, row);
    return EventTable.of(cols, t.weights(), t.processes());
  }

  /** The 2025 sample read once per test class that asks for it. */
  static EventTable sample2025() {
    return HiggsMlReader.readParquet(parquet2025());
  }
}
