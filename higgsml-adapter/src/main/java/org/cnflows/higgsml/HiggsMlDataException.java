package org.cnflows.higgsml;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A HiggsML data file that cannot be read or written as asked: missing or misnamed column, wrong
 * column type, corrupt or truncated file, null values, values that contradict what their column
 * means (see {@link HiggsMlReader}), or an empty selection. The message names the file and, where
 * one is at fault, the column and the first bad row.
 */
public final class HiggsMlDataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final String column;
  private final long row;

  /**
   * @param file the file at fault
   * @param column the column at fault, or null if the fault is not one column's
   * @param problem what is wrong
   * @param cause the underlying exception, or null
   */
  public HiggsMlDataException(Path file, String column, String problem, Throwable cause) {
    this(file, column, -1, problem, cause);
  }

  /**
   * @param file the file at fault
   * @param column the column at fault (as the file names it)
   * @param row the first bad row (0-based, in file order)
   * @param problem what is wrong with the value in that row
   */
  public HiggsMlDataException(Path file, String column, long row, String problem) {
    this(file, column, row, problem, null);
  }

  private HiggsMlDataException(
      Path file, String column, long row, String problem, Throwable cause) {
    super(
        file
            + (column == null ? "" : ", column '" + column + "'")
            + (row < 0 ? "" : ", row " + row)
            + ": "
            + problem,
        cause);
    this.file = file;
    this.column = column;
    this.row = row;
  }

  /** The file at fault. */
  public Path file() {
    return file;
  }

  /** The column at fault, or null. */
  public String column() {
    return column;
  }

  /** The first bad row (0-based, in file order), if the fault is one row's. */
  public OptionalLong row() {
    return row < 0 ? OptionalLong.empty() : OptionalLong.of(row);
  }
}
