package org.cnflows.higgsml.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Opens in-memory DuckDB connections and quotes SQL literals and identifiers. */
public final class DuckDb {
  private DuckDb() {}

  /**
   * An in-memory DuckDB connection whose result sets stream (bounded memory) instead of being
   * materialized.
   */
  public static Connection open() throws SQLException {
    Properties props = new Properties();
    props.setProperty("jdbc_stream_results", "true");
    return DriverManager.getConnection("jdbc:duckdb:", props);
  }

  /** The path as a SQL string literal. */
  public static String literal(Path path) {
    return "'" + path.toAbsolutePath().toString().replace("'", "''") + "'";
  }

  /** The name as a quoted SQL identifier. */
  public static String identifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** Column names and DuckDB types of a relation, in order. */
  public static Map<String, String> describe(Connection conn, String relation) throws SQLException {
    Map<String, String> types = new LinkedHashMap<>();
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM " + relation)) {
      while (rs.next()) {
        types.put(rs.getString(1), rs.getString(2));
      }
    }
    return types;
  }

  /** Whether a DuckDB type name is numeric (integer, floating point or decimal). */
  public static boolean isNumeric(String type) {
    return type.matches(
        "(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*)");
  }
}
