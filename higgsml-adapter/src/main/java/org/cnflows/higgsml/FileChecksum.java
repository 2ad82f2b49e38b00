package org.cnflows.higgsml;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SHA-256 checksum beside a data file: {@code X.sha256} next to {@code X}, one line in the
 * format of {@code sha256sum} ({@code <64 hex digits> <file name>}), so {@code sha256sum -c} checks
 * it too. {@link HiggsMlWriter} writes one for every parquet, and {@link HiggsMlReader} verifies
 * the file against it before reading whenever it exists; the repository's samples carry one
 * (data/README.md).
 *
 * <p>Why: neither the 2025 parquet (no page checksums) nor the 2014 CSV can tell a corrupted byte
 * from data when it decodes to a plausible value (a parquet value changed in its lowest mantissa
 * bits, a CSV digit changed into another, a CSV cut at a line end); the reader's value checks catch
 * the rest. With the checksum every changed byte is refused. The name in the line is informational:
 * the checksum belongs to the file it sits beside.
 */
public final class FileChecksum {
  /** The extension of the checksum file. */
  public static final String EXTENSION = ".sha256";

  private static final Pattern LINE = Pattern.compile("([0-9a-f]{64})(?: [ *].+)?");

  private FileChecksum() {}

  /** The checksum file of {@code file}: {@code X.sha256} beside {@code X}. */
  public static Path of(Path file) {
    return file.resolveSibling(file.getFileName() + EXTENSION);
  }

  /**
   * Writes the checksum of {@code file} beside it (overwritten).
   *
   * @throws HiggsMlDataException naming the file if it cannot be read or the checksum not written
   */
  public static void write(Path file) {
    String line = sha256(file) + "  " + file.getFileName() + "\n";
    try {
      Files.writeString(of(file), line, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new HiggsMlDataException(of(file), null, "cannot be written: " + e.getMessage(), e);
    }
  }

  /**
   * Checks {@code file} against the checksum beside it; does nothing when there is none.
   *
   * @throws HiggsMlDataException naming the file and both checksums when they differ, or naming the
   *     checksum file when it is not one line of {@code sha256sum} format
   */
  static void verify(Path file) {
    Path sidecar = of(file);
    if (!Files.isRegularFile(sidecar)) {
      return;
    }
    String expected = expected(sidecar);
    String actual = sha256(file);
    if (!actual.equals(expected)) {
      throw new HiggsMlDataException(
          file,
          null,
          "SHA-256 "
              + actual
              + " differs from "
              + expected
              + " in "
              + sidecar.getFileName()
              + ": the file is not the one the checksum was written for (corrupt, cut or"
              + " altered)",
          null);
    }
  }

  private static String expected(Path sidecar) {
    String text;
    try {
      text = Files.readString(sidecar, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new HiggsMlDataException(sidecar, null, "cannot be read: " + e.getMessage(), e);
    }
    String first = text.lines().findFirst().orElse("");
    Matcher m = LINE.matcher(first);
    if (!m.matches()) {
      throw new HiggsMlDataException(
          sidecar,
          null,
          "is not a SHA-256 checksum line ('<64 lower-case hex digits>  <file name>'): '"
              + first
              + "'",
          null);
    }
    return m.group(1);
  }

  private static String sha256(Path file) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK provides no SHA-256", e);
    }
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new HiggsMlDataException(
          file, null, "cannot be read for its checksum: " + e.getMessage(), e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
