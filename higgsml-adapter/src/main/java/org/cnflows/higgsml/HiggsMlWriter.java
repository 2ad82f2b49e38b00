package org.cnflows.higgsml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.cnflows.higgsml.internal.DuckDb;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Writes an {@link EventTable} in the 2025 single-parquet layout of the FAIR Universe HiggsML data
 * (data/README.md): the 16 {@code PRI_*} float32 columns, {@code weights}, {@code detailed_labels}
 * (string), {@code labels} (float32 0/1), the 12 {@code DER_*} float32 columns, through DuckDB's
 * appender and {@code COPY ... (FORMAT parquet)}; plus the metadata json beside it ({@code
 * <name>_metadata.json}: total_rows, total_columns, columns, detailed_labels, sum_weights,
 * luminosity) and its SHA-256 checksum ({@link FileChecksum}: {@code <name>.parquet.sha256}), which
 * the reader verifies.
 */
public final class HiggsMlWriter {
  /** Integrated luminosity (fb^-1) the weights of the 2025 data correspond to. */
  public static final int LUMINOSITY = 10;

  private HiggsMlWriter() {}

  /** The 31 columns of the 2025 file, in its order. */
  public static List<String> fileColumns() {
    List<String> cols = new ArrayList<>(Columns.PRI);
    cols.add(Columns.WEIGHTS);
    cols.add(Columns.DETAILED_LABELS);
    cols.add(Columns.LABELS);
    cols.addAll(Columns.DER);
    return cols;
  }

  /**
   * Writes the table to {@code file} (overwritten) and its metadata json beside it.
   *
   * @throws HiggsMlDataException naming the file and the missing column, or the write failure
   */
  public static void writeParquet(EventTable table, Path file) {
    for (String c : Columns.FEATURES) {
      if (!table.hasColumn(c)) {
        throw new HiggsMlDataException(file, c, "missing from the table to write", null);
      }
    }
    List<String> cols = fileColumns();
    String ddl =
        cols.stream()
            .map(
                c ->
                    DuckDb.identifier(c)
                        + (c.equals(Columns.DETAILED_LABELS) ? " VARCHAR" : " FLOAT"))
            .collect(Collectors.joining(", "));
    float[][] features = new float[Columns.FEATURES.size()][];
    for (int c = 0; c < features.length; c++) {
      features[c] = table.column(Columns.FEATURES.get(c));
    }
    int nPri = Columns.PRI.size();
    try (Connection conn = DuckDb.open();
        Statement st = conn.createStatement()) {
      st.execute("CREATE TABLE events (" + ddl + ")");
      try (DuckDBAppender app =
          conn.unwrap(DuckDBConnection.class)
              .createAppender(DuckDBConnection.DEFAULT_SCHEMA, "events")) {
        for (int i = 0; i < table.size(); i++) {
          app.beginRow();
          for (int c = 0; c < nPri; c++) {
            app.append(features[c][i]);
          }
          PhysicsProcess p = table.process(i);
          app.append(table.weights()[i]);
          app.append(p.label());
          app.append(p.isSignal() ? 1f : 0f);
          for (int c = nPri; c < features.length; c++) {
            app.append(features[c][i]);
          }
          app.endRow();
        }
      }
      Files.deleteIfExists(file);
      st.execute("COPY events TO " + DuckDb.literal(file) + " (FORMAT parquet)");
      Files.writeString(metadataFile(file), metadata(table, cols));
      FileChecksum.write(file);
    } catch (SQLException | IOException e) {
      throw new HiggsMlDataException(file, null, "cannot be written: " + e.getMessage(), e);
    }
  }

  /** The metadata json that goes with a parquet: {@code X.parquet -> X_metadata.json}. */
  public static Path metadataFile(Path parquet) {
    String name = parquet.getFileName().toString();
    String stem = name.endsWith(".parquet") ? name.substring(0, name.length() - 8) : name;
    return parquet.resolveSibling(stem + "_metadata.json");
  }

  private static String metadata(EventTable table, List<String> cols) {
    double sum = 0;
    for (float w : table.weights()) {
      sum += w;
    }
    List<String> processes = new ArrayList<>();
    for (PhysicsProcess p : PhysicsProcess.values()) {
      if (table.count(p) > 0) {
        processes.add(p.label());
      }
    }
    return "{\n"
        + "    \"author\": \"cnflows\",\n"
        + "    \"total_rows\": "
        + table.size()
        + ",\n"
        + "    \"total_columns\": "
        + cols.size()
        + ",\n"
        + "    \"columns\": "
        + jsonList(cols)
        + ",\n"
        + "    \"detailed_labels\": "
        + jsonList(processes)
        + ",\n"
        + "    \"sum_weights\": "
        + String.format(Locale.ROOT, "%.3f", sum)
        + ",\n"
        + "    \"luminosity\": "
        + LUMINOSITY
        + "\n"
        + "}\n";
  }

  private static String jsonList(List<String> items) {
    return items.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(", ", "[", "]"));
  }
}
