package org.cnflows.higgsml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random corruption of the repository's real samples: truncation at a random length, or 1, 8
 * or 64 bytes overwritten with random values at random places. Every case must read the clean
 * values or raise {@link HiggsMlDataException}; no other exception, no hang.
 *
 * <p>Each sample is corrupted twice with the same seeded cases: with its SHA-256 checksum beside
 * the copy ({@link FileChecksum}, as the repository's samples and every file {@link HiggsMlWriter}
 * writes carry one), where the invariant must hold for every case; and without it, as for a file
 * from elsewhere, where only the reader's value checks stand. Neither format carries a checksum of
 * its own, so there a corruption can decode to other numbers that pass every check: such a case
 * must stay within what the checks cannot resolve (parquet: each feature within 1e-4 relative of
 * the clean value, the weights' changes within the metadata's sum tolerance, processes unchanged;
 * CSV: only rows on lines that hold a corrupted byte change, and a shorter read only when the cut
 * fell exactly at a line end). The outcomes per check are printed for the record.
 */
class HiggsMlFuzzTest {
  @TempDir Path tmp;

  /** One corrupted copy: the bytes and the positions overwritten (empty for a truncation). */
  private record Corruption(byte[] bytes, int[] positions, String kind) {}

  private static Corruption corrupt(byte[] clean, SplittableRandom rng) {
    int kind = rng.nextInt(4);
    if (kind == 0) {
      return new Corruption(
          Arrays.copyOf(clean, rng.nextInt(clean.length)), new int[0], "truncation");
    }
    int n = kind == 1 ? 1 : kind == 2 ? 8 : 64;
    byte[] b = clean.clone();
    int[] at = new int[n];
    for (int i = 0; i < n; i++) {
      at[i] = rng.nextInt(b.length);
      b[at[i]] = (byte) rng.nextInt(256);
    }
    return new Corruption(b, at, n + " bytes");
  }

  /** The check that raised, from the message (for the printed record). */
  private static String layer(HiggsMlDataException e) {
    String m = e.getMessage();
    String[][] layers = {
      {"SHA-256", "checksum"},
      {"cannot be read", "DuckDB (format, decompression, encoding)"},
      {"is not finite", "finite values"},
      {"weight ", "weights finite > 0 / metadata sum"},
      {"is outside", "physical ranges"},
      {"disagrees with", "DER recomputed from PRI"},
      {"total_rows", "metadata row count"},
      {"PRI_n_jets", "jet count and jet sentinels"},
      {"line ", "CSV line check"},
    };
    for (String[] l : layers) {
      if (m.contains(l[0])) {
        return l[1];
      }
    }
    return "other checks (processes, labels, row counts)";
  }

  private Map<String, Integer> run(
      Path clean,
      int cases,
      long seed,
      Function<Path, EventTable> read,
      Function<Corruption, Path> write,
      SilentCheck silent)
      throws IOException {
    byte[] bytes = Files.readAllBytes(clean);
    EventTable expected = read.apply(clean);
    SplittableRandom rng = new SplittableRandom(seed);
    Map<String, Integer> outcomes = new TreeMap<>();
    for (int k = 0; k < cases; k++) {
      Corruption c = corrupt(bytes, rng);
      Path file = write.apply(c);
      String outcome;
      try {
        EventTable got = read.apply(file);
        if (sameValues(expected, got)) {
          outcome = "identical values";
        } else {
          silent.check(expected, got, c, bytes);
          outcome = "altered, within what the checks cannot resolve";
        }
      } catch (HiggsMlDataException e) {
        outcome = "HiggsMlDataException: " + layer(e);
      } catch (RuntimeException | Error e) {
        throw new AssertionError("case " + k + " (" + c.kind() + ") threw " + e, e);
      }
      outcomes.merge(c.kind() + " -> " + outcome, 1, Integer::sum);
      Files.delete(file);
    }
    return outcomes;
  }

  @FunctionalInterface
  private interface SilentCheck {
    void check(EventTable clean, EventTable got, Corruption c, byte[] cleanBytes);
  }

  private static boolean sameValues(EventTable a, EventTable b) {
    if (a.size() != b.size()
        || !Arrays.equals(a.weights(), b.weights())
        || !Arrays.equals(a.processes(), b.processes())) {
      return false;
    }
    for (String c : Columns.FEATURES) {
      if (!Arrays.equals(a.column(c), b.column(c))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Writes each corrupted copy to a new file with extension {@code ext}, and beside it a copy of
   * {@code metadata} and of the clean file's checksum {@code checksum}, each when not null.
   */
  private Function<Corruption, Path> writer(String ext, Path metadata, Path checksum) {
    int[] counter = {0};
    return c -> {
      Path f = tmp.resolve("case" + counter[0]++ + ext);
      try {
        Files.write(f, c.bytes());
        if (metadata != null) {
          Files.copy(metadata, HiggsMlWriter.metadataFile(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (checksum != null) {
          Files.copy(checksum, FileChecksum.of(f), StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return f;
    };
  }

  /** With the checksum beside the file, no corruption may read as other values. */
  private static void neverAltered(EventTable clean, EventTable got, Corruption c, byte[] bytes) {
    fail("a corrupted file (" + c.kind() + ") read altered values beside its checksum");
  }

  /** A sample to corrupt: its file, how many seeded cases, how it is read, its metadata. */
  private record Sample(
      String name,
      Path clean,
      int cases,
      long seed,
      Function<Path, EventTable> read,
      String extension,
      Path metadata) {}

  private static Sample parquet() {
    Path clean = TestData.parquet2025();
    return new Sample(
        "parquet",
        clean,
        200,
        15,
        HiggsMlReader::readParquet,
        ".parquet",
        HiggsMlWriter.metadataFile(clean));
  }

  private static Sample csv() {
    return new Sample(
        "CSV", TestData.csv2014(), 60, 2014, HiggsMlReader::readCsv2014, ".csv", null);
  }

  /** Runs the sample's cases, with or without its checksum beside each copy, and prints them. */
  private void fuzz(Sample s, boolean withChecksum, SilentCheck silent) {
    Map<String, Integer> outcomes =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () ->
                run(
                    s.clean(),
                    s.cases(),
                    s.seed(),
                    s.read(),
                    writer(
                        s.extension(),
                        s.metadata(),
                        withChecksum ? FileChecksum.of(s.clean()) : null),
                    silent));
    System.out.println(
        s.name()
            + " fuzz "
            + (withChecksum ? "with the checksum, " : "without a checksum, ")
            + s.cases()
            + " seeded cases: "
            + outcomes);
  }

  @Test
  void corruptedParquetWithItsChecksumReadsTheCleanValuesOrRaisesHiggsMlDataException() {
    fuzz(parquet(), true, HiggsMlFuzzTest::neverAltered);
  }

  @Test
  void corruptedParquetWithoutAChecksumReadsTheCleanValuesOrRaisesOrStaysWithinTheChecks() {
    fuzz(parquet(), false, HiggsMlFuzzTest::parquetWithinResolution);
  }

  @Test
  void corruptedCsvWithItsChecksumReadsTheCleanValuesOrRaisesHiggsMlDataException() {
    fuzz(csv(), true, HiggsMlFuzzTest::neverAltered);
  }

  @Test
  void corruptedCsvWithoutAChecksumReadsTheCleanValuesOrRaisesOrStaysOnTheCorruptedLines() {
    fuzz(csv(), false, HiggsMlFuzzTest::csvConfinedToCorruptedLines);
  }

  private static void parquetWithinResolution(
      EventTable clean, EventTable got, Corruption c, byte[] cleanBytes) {
    assertThat(got.size()).as(c.kind()).isEqualTo(clean.size());
    assertThat(got.processes()).as(c.kind()).isEqualTo(clean.processes());
    double weightChange = 0;
    double sum = 0;
    for (int i = 0; i < clean.size(); i++) {
      weightChange += Math.abs(got.weights()[i] - clean.weights()[i]);
      sum += clean.weights()[i];
    }
    assertThat(weightChange).as(c.kind()).isLessThanOrEqualTo(Math.max(1, 1e-6 * sum));
    for (String col : Columns.FEATURES) {
      float[] a = clean.column(col);
      float[] b = got.column(col);
      for (int i = 0; i < a.length; i++) {
        assertThat((double) Math.abs(b[i] - a[i]))
            .as("%s row %d (%s)", col, i, c.kind())
            .isLessThanOrEqualTo(1e-4 * Math.max(1, Math.abs(a[i])));
      }
    }
  }

  private static void csvConfinedToCorruptedLines(
      EventTable clean, EventTable got, Corruption c, byte[] cleanBytes) {
    if (got.size() != clean.size()) {
      assertThat(c.positions()).as("a shorter read comes from a truncation").isEmpty();
      assertThat(cleanBytes[c.bytes().length - 1]).as("cut at a line end").isEqualTo((byte) '\n');
      assertThat(sameValues(clean.select(rangeOf(got.size())), got)).isTrue();
      return;
    }
    boolean[] hit = new boolean[clean.size()];
    for (int p : c.positions()) {
      int line = 1;
      for (int i = 0; i < p; i++) {
        line += cleanBytes[i] == '\n' ? 1 : 0;
      }
      if (line >= 2) {
        hit[line - 2] = true;
      }
    }
    IntPredicate changed =
        i ->
            got.weights()[i] != clean.weights()[i]
                || got.processes()[i] != clean.processes()[i]
                || Columns.FEATURES.stream()
                    .anyMatch(col -> got.column(col)[i] != clean.column(col)[i]);
    for (int i = 0; i < clean.size(); i++) {
      if (changed.test(i) && !hit[i]) {
        fail("row " + i + " changed although its line holds no corrupted byte (" + c.kind() + ")");
      }
    }
  }

  private static int[] rangeOf(int n) {
    int[] rows = new int[n];
    Arrays.setAll(rows, i -> i);
    return rows;
  }
}
