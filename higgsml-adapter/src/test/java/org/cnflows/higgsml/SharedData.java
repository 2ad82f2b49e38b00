package org.cnflows.higgsml;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the real HiggsML samples under the shared directory (system property). */
final class SharedData {
  private SharedData() {}

  static Path dir() {
    String dir = System.getProperty("cnflows.shared.dir");
    if (dir == null) {
      throw new IllegalStateException("system property cnflows.shared.dir is not set");
    }
    Path p = Path.of(dir).resolve("data");
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException("shared data directory " + p + " does not exist");
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

  /** The 2025 sample read once per test class that asks for it. */
  static EventTable sample2025() {
    return HiggsMlReader.readParquet(parquet2025());
  }
}
