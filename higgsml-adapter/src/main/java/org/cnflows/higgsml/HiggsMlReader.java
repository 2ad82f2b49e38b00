package org.cnflows.higgsml;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Consumer;
import org.cnflows.higgsml.internal.DuckDb;

/**
 * Reads HiggsML event files through DuckDB's embedded engine (offline), into {@link EventTable}s
 * with the 2025 column names (higgsml.md, "Events and processes"; data/README.md).
 *
 * <ul>
 *   <li>2025 format: one parquet ({@code FAIR_Universe_HiggsML_data.parquet}) with the 28 features,
 *       {@code weights}, {@code labels} and {@code detailed_labels}; {@code labels} is checked
 *       against {@code detailed_labels}.
 *   <li>2014 ATLAS open-data CSV: {@code PRI_tau_*} becomes {@code PRI_had_*}, {@code PRI_jet_num}
 *       becomes {@code PRI_n_jets}, {@code DER_*_tau_*} becomes {@code DER_*_had_*}, the -999
 *       sentinel becomes {@link Columns#MISSING}, {@code Label} s/b becomes {@link
 *       PhysicsProcess#HTAUTAU}/{@link PhysicsProcess#BACKGROUND}, {@code Weight} the weights. The
 *       2014-only columns (EventId, DER_mass_MMC, PRI_met_sumet, KaggleSet, KaggleWeight) are not
 *       read.
 *   <li>2024 competition layout: a training directory with {@code data/data.parquet} (features) and
 *       one value per line in {@code labels/data.labels}, {@code weights/data.weights}, {@code
 *       detailed_labels/data.detailed_labels}; a test directory with one parquet per process,
 *       {@code data/<process>_data.parquet}, each with a {@code weights} column and either all 28
 *       features or, as the competition ships them, only the 16 PRI columns, in which case the DER
 *       features are computed on read ({@link CompetitionTestSet#derivedComputed}). Any subset of
 *       the processes may be present; the missing ones are logged (INFO, through {@link
 *       System.Logger}), and are an error only when the caller requires all four. {@code
 *       settings/data.json} is read by {@link #read2024Settings} as generic key/value settings
 *       (higgsml.md does not define its fields, so none is interpreted here).
 * </ul>
 *
 * Any fault (missing or misnamed column, non-numeric type, corrupt or truncated file, null value,
 * non-finite or implausible value, non-positive weight, unknown process, no events) raises a {@link
 * HiggsMlDataException} naming the file and column. Whenever {@code PRI_n_jets} is read, the values
 * are also checked against what the columns mean, the exception naming the file, the column and the
 * first bad row: {@code PRI_n_jets} must be a non-negative integer (a shifted column is caught
 * here), and each jet column read ({@code PRI_jet_leading_*}, {@code PRI_jet_subleading_*}) must be
 * -25 exactly in the rows where the jet count says that jet does not exist (n_jets < 1, resp. < 2).
 * Chunked reading ({@link #readParquetChunks}) streams the result set, so memory stays bounded by
 * the chunk size.
 *
 * <p>A corrupt file can decode to numbers that still look like data (parquet pages carry no
 * checksum in the files we know; a CSV digit can change into another), so every read also checks,
 * in this order, each naming the file, column and first bad row: every feature value finite; every
 * weight finite and &gt; 0; every value within its feature's physical range ({@link
 * FeatureRanges}); for the parquet formats with all 28 features, the DER columns agree with those
 * recomputed from the PRI columns ({@link DerivedConsistency}); and for the 2025 parquet, the row
 * count and the weights' sum agree with {@code total_rows} and {@code sum_weights} of the metadata
 * json beside it ({@link HiggsMlWriter#metadataFile}), when there is one. The 2014 CSV is checked
 * line by line before it is read ({@link Csv2014}), so a garbled or cut line is named by its line
 * number and field. What these checks cannot see: a parquet byte that changes a value by less than
 * the DER tolerances (about 1e-5 relative), a CSV digit changed into another digit in a field the
 * reader does not cross-check, and a CSV cut exactly at a line end. So when a SHA-256 checksum file
 * sits beside the file ({@link FileChecksum}: {@code X.sha256}, as {@link HiggsMlWriter} writes and
 * the repository's samples carry), the file is first checked against it, and any changed byte is
 * refused naming both checksums.
 */
public final class HiggsMlReader {
  private static final System.Logger LOG = System.getLogger(HiggsMlReader.class.getName());
  private static final double SENTINEL_2014 = -999.0;
  private static final List<String> LEADING_JET =
      List.of(Columns.PRI_JET_LEADING_PT, Columns.PRI_JET_LEADING_ETA, Columns.PRI_JET_LEADING_PHI);
  private static final List<String> SUBLEADING_JET =
      List.of(
          Columns.PRI_JET_SUBLEADING_PT,
          Columns.PRI_JET_SUBLEADING_ETA,
          Columns.PRI_JET_SUBLEADING_PHI);
  private static final Map<String, PhysicsProcess> BY_LABEL = byLabel();

  private HiggsMlReader() {}

  /** All 28 features of a 2025-format parquet. */
  public static EventTable readParquet(Path file) {
    return readParquet(file, Columns.FEATURES);
  }

  /** The named feature columns of a 2025-format parquet (column projection). */
  public static EventTable readParquet(Path file, List<String> columns) {
    return readAll(parquet2025(file), columns);
  }

  /**
   * Streams a 2025-format parquet in chunks of at most {@code chunkSize} events.
   *
   * @return the number of events read
   */
  public static long readParquetChunks(
      Path file, List<String> columns, int chunkSize, Consumer<EventTable> sink) {
    if (chunkSize <= 0) {
      throw new IllegalArgumentException("chunkSize = " + chunkSize + " must be > 0");
    }
    return scan(parquet2025(file), columns, chunkSize, sink);
  }

  /** All 28 features of the 2014 ATLAS Higgs challenge CSV, mapped to the 2025 names. */
  public static EventTable readCsv2014(Path file) {
    Map<String, String> names = new LinkedHashMap<>();
    for (String c : Columns.FEATURES) {
      names.put(
          c,
          c.replace("PRI_had_", "PRI_tau_")
              .replace("PRI_n_jets", "PRI_jet_num")
              .replace("_had_lep", "_tau_lep")
              .replace("_lep_had", "_lep_tau"));
    }
    List<String> numeric = new ArrayList<>(names.values());
    numeric.add("Weight");
    List<String> header = Csv2014.check(file, numeric, "Label", List.of("s", "b"));
    StringJoiner types = new StringJoiner(", ", "{", "}");
    for (String c : header) {
      types.add(
          "'" + c.replace("'", "''") + "': '" + (numeric.contains(c) ? "DOUBLE" : "VARCHAR") + "'");
    }
    Source src =
        new Source(
            file,
            "read_csv("
                + DuckDb.literal(file)
                + ", header = true, auto_detect = false, delim = ',', quote = '\"', columns = "
                + types
                + ")",
            names,
            SENTINEL_2014,
            "Weight",
            "Label",
            Map.of("s", PhysicsProcess.HTAUTAU, "b", PhysicsProcess.BACKGROUND),
            null,
            null);
    return readAll(src, Columns.FEATURES);
  }

  /** The training set of the 2024 competition layout (see the class comment). */
  public static EventTable read2024Train(Path dir) {
    Path data = dir.resolve("data").resolve("data.parquet");
    Source src =
        new Source(
            data, parquetRelation(data), identity(), Double.NaN, null, null, Map.of(), null, null);
    EventTable table = readAll(src, Columns.FEATURES);
    Path weightsFile = dir.resolve("weights").resolve("data.weights");
    Path labelsFile = dir.resolve("labels").resolve("data.labels");
    Path processFile = dir.resolve("detailed_labels").resolve("data.detailed_labels");
    List<String> weights = lines(weightsFile, table.size());
    List<String> labels = lines(labelsFile, table.size());
    List<String> processes = lines(processFile, table.size());
    for (int i = 0; i < table.size(); i++) {
      table.weights()[i] = parse(weightsFile, weights.get(i), i);
      String bad = weightProblem(table.weights()[i]);
      if (bad != null) {
        throw new HiggsMlDataException(weightsFile, null, "line " + (i + 1) + ": " + bad, null);
      }
      PhysicsProcess p = process(processFile, null, processes.get(i), BY_LABEL, i);
      table.processes()[i] = (byte) p.ordinal();
      checkLabel(labelsFile, parse(labelsFile, labels.get(i), i), p, i);
    }
    return table;
  }

  /**
   * The {@code settings/data.json} of a 2024-layout directory (training or test) as its top-level
   * keys and JSON values, in file order; empty when the directory has no settings file.
   *
   * @throws HiggsMlDataException if the file exists but is not a JSON object
   */
  public static Optional<Map<String, JsonElement>> read2024Settings(Path dir) {
    Path file = dir.resolve("settings").resolve("data.json");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      JsonElement root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
      if (!root.isJsonObject()) {
        throw new HiggsMlDataException(file, null, "is not a JSON object", null);
      }
      Map<String, JsonElement> settings = new LinkedHashMap<>();
      root.getAsJsonObject().entrySet().forEach(e -> settings.put(e.getKey(), e.getValue()));
      return Optional.of(Collections.unmodifiableMap(settings));
    } catch (IOException | JsonParseException e) {
      throw new HiggsMlDataException(file, null, "cannot be read as JSON: " + e.getMessage(), e);
    }
  }

  /**
   * The test set of the 2024 competition layout (see the class comment), whatever processes the
   * directory holds; the missing ones are logged and listed in the result.
   *
   * @throws HiggsMlDataException if no process file is present, or any present file is faulty
   */
  public static CompetitionTestSet read2024Test(Path dir) {
    return read2024Test(dir, false);
  }

  /**
   * The test set of the 2024 competition layout (see the class comment).
   *
   * @param requireAllProcesses whether a missing process file is an error rather than a log line
   * @throws HiggsMlDataException if a required process file is missing, no process file is present,
   *     or any present file is faulty
   */
  public static CompetitionTestSet read2024Test(Path dir, boolean requireAllProcesses) {
    List<EventTable> parts = new ArrayList<>();
    Set<PhysicsProcess> missing = EnumSet.noneOf(PhysicsProcess.class);
    boolean derivedComputed = false;
    for (PhysicsProcess p : PhysicsProcess.CHALLENGE) {
      Path file = dir.resolve("data").resolve(p.label() + "_data.parquet");
      if (!Files.exists(file)) {
        if (requireAllProcesses) {
          throw new HiggsMlDataException(file, null, "no such file (all processes required)", null);
        }
        missing.add(p);
        continue;
      }
      Source src =
          new Source(
              file,
              parquetRelation(file),
              identity(),
              Double.NaN,
              Columns.WEIGHTS,
              null,
              Map.of(),
              null,
              null);
      boolean computeDerived = !hasDerived(src);
      EventTable part =
          computeDerived ? withDerived(readAll(src, Columns.PRI)) : readAll(src, Columns.FEATURES);
      derivedComputed |= computeDerived;
      Arrays.fill(part.processes(), (byte) p.ordinal());
      parts.add(part);
    }
    if (parts.isEmpty()) {
      throw new HiggsMlDataException(
          dir.resolve("data"), null, "none of the process files <process>_data.parquet", null);
    }
    if (!missing.isEmpty()) {
      LOG.log(
          System.Logger.Level.INFO,
          "{0}: no file for the processes {1}; reading the others",
          dir.resolve("data"),
          missing);
    }
    return new CompetitionTestSet(EventTable.concat(parts), derivedComputed, missing);
  }

  /**
   * Whether the file has all 12 DER columns (false if it has none).
   *
   * @throws HiggsMlDataException if it has only some of them
   */
  private static boolean hasDerived(Source src) {
    if (!Files.isRegularFile(src.file())) {
      throw new HiggsMlDataException(src.file(), null, "no such file", null);
    }
    Map<String, String> types;
    try (Connection conn = DuckDb.open()) {
      types = DuckDb.describe(conn, src.relation());
    } catch (SQLException e) {
      throw new HiggsMlDataException(src.file(), null, "cannot be read: " + e.getMessage(), e);
    }
    List<String> absent = Columns.DER.stream().filter(c -> !types.containsKey(c)).toList();
    if (!absent.isEmpty() && absent.size() < Columns.DER.size()) {
      throw new HiggsMlDataException(
          src.file(),
          absent.get(0),
          "missing, while other DER columns are present (a file holds all 12 or none); missing: "
              + absent,
          null);
    }
    return absent.isEmpty();
  }

  /** The PRI-only table with the 12 DER columns added and computed. */
  private static EventTable withDerived(EventTable pri) {
    Map<String, float[]> cols = new LinkedHashMap<>();
    for (String c : Columns.FEATURES) {
      cols.put(c, Columns.PRI.contains(c) ? pri.column(c) : new float[pri.size()]);
    }
    EventTable t = EventTable.of(cols, pri.weights(), pri.processes());
    DerivedFeatures.compute(t);
    return t;
  }

  /**
   * Where the values come from: a SQL relation over one file, the source column of each feature,
   * the source's missing-value sentinel (NaN for none), the weight column (null: filled by the
   * caller), the process column (null: filled by the caller) with its value names, a 0/1 label
   * column to check against the process (null: none), and the metadata json whose total_rows and
   * sum_weights a full read is checked against when it exists (null: none).
   */
  private record Source(
      Path file,
      String relation,
      Map<String, String> featureSources,
      double sentinel,
      String weightColumn,
      String processColumn,
      Map<String, PhysicsProcess> processNames,
      String labelColumn,
      Path metadata) {}

  private static Source parquet2025(Path file) {
    return new Source(
        file,
        parquetRelation(file),
        identity(),
        Double.NaN,
        Columns.WEIGHTS,
        Columns.DETAILED_LABELS,
        BY_LABEL,
        Columns.LABELS,
        HiggsMlWriter.metadataFile(file));
  }

  private static Map<String, PhysicsProcess> byLabel() {
    Map<String, PhysicsProcess> names = new LinkedHashMap<>();
    for (PhysicsProcess p : PhysicsProcess.values()) {
      names.put(p.label(), p);
    }
    return names;
  }

  private static String parquetRelation(Path file) {
    return "read_parquet(" + DuckDb.literal(file) + ")";
  }

  private static Map<String, String> identity() {
    Map<String, String> names = new LinkedHashMap<>();
    Columns.FEATURES.forEach(c -> names.put(c, c));
    return names;
  }

  private static EventTable readAll(Source src, List<String> columns) {
    EventTable[] result = new EventTable[1];
    long rows = scan(src, columns, Integer.MAX_VALUE, t -> result[0] = t);
    if (rows == 0) {
      throw new HiggsMlDataException(src.file(), null, "no events selected", null);
    }
    return result[0];
  }

  private static long scan(
      Source src, List<String> columns, int chunkSize, Consumer<EventTable> sink) {
    if (columns.isEmpty()) {
      throw new HiggsMlDataException(src.file(), null, "empty column selection", null);
    }
    if (!Files.isRegularFile(src.file())) {
      throw new HiggsMlDataException(src.file(), null, "no such file", null);
    }
    FileChecksum.verify(src.file());
    try (Connection conn = DuckDb.open()) {
      List<String> select = selectList(conn, src, columns);
      long total = count(conn, src);
      int capacity = (int) Math.min(chunkSize, total);
      try (Statement st = conn.createStatement();
          ResultSet rs =
              st.executeQuery("SELECT " + String.join(", ", select) + " FROM " + src.relation())) {
        long read = 0;
        double sumWeights = 0;
        while (read < total) {
          int n = (int) Math.min(capacity, total - read);
          EventTable chunk = EventTable.allocate(n, columns);
          fill(rs, src, columns, chunk, read);
          for (float w : chunk.weights()) {
            sumWeights += w;
          }
          sink.accept(chunk);
          read += n;
        }
        if (rs.next()) {
          throw new HiggsMlDataException(src.file(), null, "more rows than counted", null);
        }
        checkMetadata(src, read, sumWeights);
        return read;
      }
    } catch (SQLException e) {
      throw new HiggsMlDataException(src.file(), null, "cannot be read: " + e.getMessage(), e);
    }
  }

  private static List<String> selectList(Connection conn, Source src, List<String> columns)
      throws SQLException {
    Map<String, String> types = DuckDb.describe(conn, src.relation());
    List<String> select = new ArrayList<>();
    for (String c : columns) {
      String from = src.featureSources().get(c);
      if (from == null) {
        throw new IllegalArgumentException(
            "column '" + c + "' is not a HiggsML feature; features: " + Columns.FEATURES);
      }
      String id = numeric(src, types, from);
      select.add(
          Double.isNaN(src.sentinel())
              ? id
              : "CASE WHEN "
                  + id
                  + " = "
                  + src.sentinel()
                  + " THEN "
                  + Columns.MISSING
                  + " ELSE "
                  + id
                  + " END");
    }
    if (src.weightColumn() != null) {
      select.add(numeric(src, types, src.weightColumn()));
    }
    if (src.processColumn() != null) {
      require(src, types, src.processColumn());
      if (!types.get(src.processColumn()).equals("VARCHAR")) {
        throw new HiggsMlDataException(
            src.file(),
            src.processColumn(),
            "has type " + types.get(src.processColumn()) + ", expected VARCHAR",
            null);
      }
      select.add(DuckDb.identifier(src.processColumn()));
    }
    if (src.labelColumn() != null) {
      select.add(numeric(src, types, src.labelColumn()));
    }
    return select;
  }

  private static String numeric(Source src, Map<String, String> types, String column) {
    require(src, types, column);
    if (!DuckDb.isNumeric(types.get(column))) {
      throw new HiggsMlDataException(
          src.file(), column, "has type " + types.get(column) + ", expected a number", null);
    }
    return DuckDb.identifier(column);
  }

  private static void require(Source src, Map<String, String> types, String column) {
    if (!types.containsKey(column)) {
      throw new HiggsMlDataException(
          src.file(), column, "missing; the file has columns " + types.keySet(), null);
    }
  }

  private static long count(Connection conn, Source src) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + src.relation())) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void fill(
      ResultSet rs, Source src, List<String> columns, EventTable chunk, long firstRow)
      throws SQLException {
    float[][] cols = new float[columns.size()][];
    for (int c = 0; c < cols.length; c++) {
      cols[c] = chunk.column(columns.get(c));
    }
    int extra = cols.length + 1;
    for (int i = 0; i < chunk.size(); i++) {
      if (!rs.next()) {
        throw new HiggsMlDataException(src.file(), null, "fewer rows than counted", null);
      }
      long row = firstRow + i;
      for (int c = 0; c < cols.length; c++) {
        cols[c][i] = value(rs, c + 1, src, src.featureSources().get(columns.get(c)), row);
      }
      if (src.weightColumn() != null) {
        float w = value(rs, extra++, src, src.weightColumn(), row);
        String bad = weightProblem(w);
        if (bad != null) {
          throw new HiggsMlDataException(src.file(), src.weightColumn(), row, bad);
        }
        chunk.weights()[i] = w;
      }
      if (src.processColumn() != null) {
        String name = rs.getString(extra++);
        PhysicsProcess p = process(src.file(), src.processColumn(), name, src.processNames(), row);
        chunk.processes()[i] = (byte) p.ordinal();
        if (src.labelColumn() != null) {
          checkLabel(src.file(), value(rs, extra, src, src.labelColumn(), row), p, row);
        }
      }
      extra = cols.length + 1;
    }
    checkMeaning(src, chunk, firstRow);
    checkRanges(src, chunk, firstRow);
    if (Double.isNaN(src.sentinel()) && chunk.columnNames().containsAll(Columns.FEATURES)) {
      DerivedConsistency.check(src.file(), chunk, firstRow);
    }
  }

  /** Why a weight is not usable (not finite, or not &gt; 0), or null. */
  private static String weightProblem(float w) {
    return w > 0 && w < Float.POSITIVE_INFINITY ? null : "weight " + w + " is not finite and > 0";
  }

  /** Checks every value against {@link FeatureRanges}, naming the first implausible one. */
  private static void checkRanges(Source src, EventTable chunk, long firstRow) {
    for (String c : chunk.columnNames()) {
      float[] v = chunk.column(c);
      for (int i = 0; i < v.length; i++) {
        String bad = FeatureRanges.problem(c, v[i]);
        if (bad != null) {
          throw new HiggsMlDataException(
              src.file(), src.featureSources().get(c), firstRow + i, bad);
        }
      }
    }
  }

  /**
   * Checks the row count and the sum of the weights read against the metadata json beside the file,
   * when the source has one and it exists (the sum to max(1, 1e-6 |sum|): the json rounds it).
   */
  private static void checkMetadata(Source src, long rows, double sumWeights) {
    if (src.metadata() == null || !Files.isRegularFile(src.metadata())) {
      return;
    }
    JsonElement root;
    try {
      root = JsonParser.parseString(Files.readString(src.metadata(), StandardCharsets.UTF_8));
    } catch (IOException | JsonParseException e) {
      throw new HiggsMlDataException(
          src.metadata(), null, "cannot be read as JSON: " + e.getMessage(), e);
    }
    if (!root.isJsonObject()) {
      throw new HiggsMlDataException(src.metadata(), null, "is not a JSON object", null);
    }
    JsonElement total = root.getAsJsonObject().get("total_rows");
    if (total != null
        && total.isJsonPrimitive()
        && total.getAsJsonPrimitive().isNumber()
        && total.getAsLong() != rows) {
      throw new HiggsMlDataException(
          src.file(),
          null,
          rows + " rows, but " + src.metadata().getFileName() + " says total_rows = " + total,
          null);
    }
    JsonElement sum = root.getAsJsonObject().get("sum_weights");
    if (sum != null && sum.isJsonPrimitive() && sum.getAsJsonPrimitive().isNumber()) {
      double expected = sum.getAsDouble();
      if (!(Math.abs(sumWeights - expected) <= Math.max(1, 1e-6 * Math.abs(expected)))) {
        throw new HiggsMlDataException(
            src.file(),
            src.weightColumn(),
            "weights sum to "
                + sumWeights
                + ", but "
                + src.metadata().getFileName()
                + " says sum_weights = "
                + expected,
            null);
      }
    }
  }

  /**
   * Checks that PRI_n_jets is a non-negative integer and that the jet columns are -25 exactly where
   * the jet count says the jet does not exist (see the class comment); nothing if PRI_n_jets is not
   * among the columns read.
   */
  private static void checkMeaning(Source src, EventTable chunk, long firstRow) {
    List<String> names = chunk.columnNames();
    if (!names.contains(Columns.PRI_N_JETS)) {
      return;
    }
    float[] nJets = chunk.column(Columns.PRI_N_JETS);
    List<String> jets = new ArrayList<>();
    List<Integer> needed = new ArrayList<>();
    for (String c : LEADING_JET) {
      if (names.contains(c)) {
        jets.add(c);
        needed.add(1);
      }
    }
    for (String c : SUBLEADING_JET) {
      if (names.contains(c)) {
        jets.add(c);
        needed.add(2);
      }
    }
    for (int i = 0; i < chunk.size(); i++) {
      float n = nJets[i];
      long row = firstRow + i;
      if (!(n >= 0) || Float.isInfinite(n) || n != Math.rint(n)) {
        throw new HiggsMlDataException(
            src.file(),
            src.featureSources().get(Columns.PRI_N_JETS),
            row,
            "PRI_n_jets = " + n + " is not a non-negative integer (a jet count)");
      }
      for (int k = 0; k < jets.size(); k++) {
        float v = chunk.column(jets.get(k))[i];
        boolean exists = n >= needed.get(k);
        if (exists == (v == Columns.MISSING)) {
          String jet = needed.get(k) == 1 ? "leading" : "subleading";
          throw new HiggsMlDataException(
              src.file(),
              src.featureSources().get(jets.get(k)),
              row,
              exists
                  ? "missing value (-25) although PRI_n_jets = "
                      + n
                      + " says the "
                      + jet
                      + " jet exists"
                  : "value "
                      + v
                      + " although PRI_n_jets = "
                      + n
                      + " says there is no "
                      + jet
                      + " jet (expected -25)");
        }
      }
    }
  }

  private static float value(ResultSet rs, int index, Source src, String column, long row)
      throws SQLException {
    float v = rs.getFloat(index);
    if (rs.wasNull()) {
      throw new HiggsMlDataException(src.file(), column, row, "null value");
    }
    if (!Float.isFinite(v)) {
      throw new HiggsMlDataException(src.file(), column, row, "value " + v + " is not finite");
    }
    return v;
  }

  private static PhysicsProcess process(
      Path file, String column, String name, Map<String, PhysicsProcess> names, long row) {
    PhysicsProcess p = name == null ? null : names.get(name);
    if (p == null) {
      throw new HiggsMlDataException(
          file,
          column,
          "row " + row + ": process '" + name + "' is not one of " + names.keySet(),
          null);
    }
    return p;
  }

  private static void checkLabel(Path file, float label, PhysicsProcess p, long row) {
    if (label != (p.isSignal() ? 1f : 0f)) {
      throw new HiggsMlDataException(
          file,
          Columns.LABELS,
          "row " + row + ": label " + label + " contradicts process " + p,
          null);
    }
  }

  private static List<String> lines(Path file, int expected) {
    try {
      List<String> lines = Files.readAllLines(file).stream().filter(s -> !s.isBlank()).toList();
      if (lines.size() != expected) {
        throw new HiggsMlDataException(
            file, null, lines.size() + " values, but the data has " + expected + " events", null);
      }
      return lines;
    } catch (IOException e) {
      throw new HiggsMlDataException(file, null, "cannot be read: " + e, e);
    }
  }

  private static float parse(Path file, String text, int row) {
    try {
      return Float.parseFloat(text.strip());
    } catch (NumberFormatException e) {
      throw new HiggsMlDataException(
          file, null, "line " + (row + 1) + ": not a number: " + text, e);
    }
  }
}
