package org.cnflows.higgsml;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

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
   * with {@link HiggsMlReader#readParquet(Path)} from a temporary copy of the jar resource.
   *
   * @throws HiggsMlDataException if the resource is missing from the class path or unreadable
   */
  public static EventTable fairUniverse2025() {
    Path copy = null;
    try (InputStream in = HiggsMlSamples.class.getResourceAsStream(FAIR_UNIVERSE_2025)) {
      if (in == null) {
        throw new HiggsMlDataException(
            Path.of(FAIR_UNIVERSE_2025),
            null,
            "class-path resource missing: is higgsml-adapter's jar on the class path?",
            null);
      }
      copy = Files.createTempFile("cnflows-fair-universe-", ".parquet");
      Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
      return HiggsMlReader.readParquet(copy);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot copy " + FAIR_UNIVERSE_2025 + " to a temporary file", e);
    } finally {
      if (copy != null) {
        try {
          Files.deleteIfExists(copy);
        } catch (IOException e) {
          copy.toFile().deleteOnExit();
        }
      }
    }
  }
}
