package org.cnflows.higgsml;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks a 2014 ATLAS Higgs challenge CSV line by line before DuckDB reads it, so that a fault
 * names its line and field: the header must hold the needed columns; every line must be printable
 * ASCII with as many comma-separated fields as the header; the needed numeric fields must be
 * decimal numbers and the label field one of its values; the file must end with a line end (the
 * published file does; a file cut inside a line is caught here). A data line's row is its line
 * number minus 2 (line 1 is the header).
 */
final class Csv2014 {
  private static final Pattern NUMBER =
      Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

  private Csv2014() {}

  /**
   * Checks {@code file} and returns its header fields.
   *
   * @param numeric the columns that must hold decimal numbers
   * @param label the column that must hold one of {@code labels}
   * @throws HiggsMlDataException naming the file, line, row and field at fault
   */
  static List<String> check(Path file, List<String> numeric, String label, List<String> labels) {
    if (!Files.isRegularFile(file)) {
      throw new HiggsMlDataException(file, null, "no such file", null);
    }
    try (InputStream in = Files.newInputStream(file);
        BufferedReader r =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1))) {
      String headerLine = r.readLine();
      if (headerLine == null) {
        throw new HiggsMlDataException(file, null, "is empty (no header line)", null);
      }
      checkAscii(file, 1, headerLine, null);
      List<String> header = Arrays.asList(headerLine.strip().split(",", -1));
      for (String c : numeric) {
        if (!header.contains(c)) {
          throw new HiggsMlDataException(
              file, c, "missing from the header (line 1), which has fields " + header, null);
        }
      }
      if (!header.contains(label)) {
        throw new HiggsMlDataException(
            file, label, "missing from the header (line 1), which has fields " + header, null);
      }
      int[] numericAt = numeric.stream().mapToInt(header::indexOf).toArray();
      int labelAt = header.indexOf(label);
      long line = 1;
      String text;
      while ((text = r.readLine()) != null) {
        line++;
        checkLine(file, line, text, header, numericAt, labelAt, labels);
      }
      if (line == 1) {
        throw new HiggsMlDataException(file, null, "has a header but no events", null);
      }
      checkEndsWithLineEnd(file, line);
      return header;
    } catch (IOException e) {
      throw new HiggsMlDataException(file, null, "cannot be read: " + e, e);
    }
  }

  private static void checkLine(
      Path file,
      long line,
      String text,
      List<String> header,
      int[] numericAt,
      int labelAt,
      List<String> labels) {
    long row = line - 2;
    if (text.isEmpty()) {
      throw new HiggsMlDataException(file, null, row, "line " + line + " is empty");
    }
    checkAscii(file, line, text, header);
    String[] fields =
        text.endsWith("\r")
            ? text.substring(0, text.length() - 1).split(",", -1)
            : text.split(",", -1);
    if (fields.length != header.size()) {
      throw new HiggsMlDataException(
          file,
          null,
          row,
          "line "
              + line
              + " has "
              + fields.length
              + " fields, the header "
              + header.size()
              + " (a cut or garbled line)");
    }
    for (int k : numericAt) {
      if (!NUMBER.matcher(fields[k]).matches()) {
        throw new HiggsMlDataException(
            file, header.get(k), row, "line " + line + ": '" + fields[k] + "' is not a number");
      }
    }
    if (!labels.contains(fields[labelAt])) {
      throw new HiggsMlDataException(
          file,
          header.get(labelAt),
          row,
          "line " + line + ": '" + fields[labelAt] + "' is not one of " + labels);
    }
  }

  /** Names the field (by header, if given) holding the first byte that is not printable ASCII. */
  private static void checkAscii(Path file, long line, String text, List<String> header) {
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      boolean lineEnd = ch == '\r' && i == text.length() - 1;
      if ((ch < 0x20 || ch > 0x7e) && !lineEnd) {
        int field = (int) text.substring(0, i).chars().filter(c -> c == ',').count();
        String column = header != null && field < header.size() ? header.get(field) : null;
        String what =
            String.format(
                "line %d, character %d: byte 0x%02X is not printable ASCII", line, i + 1, (int) ch);
        if (header == null) {
          throw new HiggsMlDataException(file, null, what + " (in the header)", null);
        }
        throw new HiggsMlDataException(file, column, line - 2, what);
      }
    }
  }

  private static void checkEndsWithLineEnd(Path file, long lines) throws IOException {
    try (var ch = Files.newByteChannel(file)) {
      ch.position(ch.size() - 1);
      java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
      ch.read(last);
      if (last.get(0) != '\n') {
        throw new HiggsMlDataException(
            file, null, lines - 2, "line " + lines + " has no line end: the file looks truncated");
      }
    }
  }
}
