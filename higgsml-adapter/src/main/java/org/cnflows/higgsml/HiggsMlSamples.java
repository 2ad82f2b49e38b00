package org.cnflows.higgsml;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.cnflows.common.Directories;

/**
 * The real 1000-event sample of the FAIR Universe HiggsML Uncertainty Challenge that ships inside
 * this jar (source and license: {@code data/README.md} of the repository), for quick starts and
 * checks that need real events without any file of the user's.
 */
public final class HiggsMlSamples {
  /** The class-path location of the sample's parquet. */
  public static final String FAIR_UNIVERSE_2025 =
      "/org/cnflows/higgsml/samples/FAIR_Universe_HiggsML_data.parquet";

  private HiggsMlSamples() {}

  /**
   * The 1000 events of the 2025 sample (28 features, weights summing to 1,051,433, processes), read
   * with {@link HiggsMlReader#readParquet(Path)} from a temporary copy of the jar resource, checked
   * against the SHA-256 checksum that ships beside it ({@link FileChecksum}).
   *
   * @throws HiggsMlDataException if the resource or its checksum is missing from the class path, or
   *     the copy does not match the checksum
   */
  public static EventTable fairUniverse2025() {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("cnflows-fair-universe-");
      Path copy = dir.resolve(Path.of(FAIR_UNIVERSE_2025).getFileName().toString());
      copyResource(FAIR_UNIVERSE_2025, copy);
      copyResource(FAIR_UNIVERSE_2025 + FileChecksum.EXTENSION, FileChecksum.of(copy));
      return HiggsMlReader.readParquet(copy);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot copy " + FAIR_UNIVERSE_2025 + " to a temporary directory", e);
    } finally {
      if (dir != null) {
        deleteQuietly(dir);
      }
    }
  }

  private static void copyResource(String resource, Path to) throws IOException {
    try (InputStream in = HiggsMlSamples.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new HiggsMlDataException(
            Path.of(resource),
            null,
            "class-path resource missing: is higgsml-adapter's jar on the class path?",
            null);
      }
      Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Deletes the temporary directory and its files, or leaves them for the JVM's exit. */
  private static void deleteQuietly(Path dir) {
    try {
      Directories.deleteRecursively(dir);
    } catch (IOException e) {
      dir.toFile().deleteOnExit();
    }
  }
}
