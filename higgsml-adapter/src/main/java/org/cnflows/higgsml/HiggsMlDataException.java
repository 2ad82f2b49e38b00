package org.cnflows.higgsml;

import java.nio.file.Path;

/**
 * A HiggsML data file that cannot be read or written as asked: missing or misnamed column, wrong
 * column type, corrupt or truncated file, null values, or an empty selection. The message names the
 * file and, where one is at fault, the column.
 */
public final class HiggsMlDataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final String column;

  /**
   * @param file the file at fault
   * @param column the column at fault, or null if the fault is not one column's
   * @param problem what is wrong
   * @param cause the underlying exception, or null
   */
  public HiggsMlDataException(Path file, String column, String problem, Throwable cause) {
    super(file + (column == null ? "" : ", column '" + column + "'") + ": " + problem, cause);
    this.file = file;
    this.column = column;
  }

  /** The file at fault. */
  public Path file() {
    return file;
  }

  /** The column at fault, or null. */
  public String column() {
    return column;
  }
}
