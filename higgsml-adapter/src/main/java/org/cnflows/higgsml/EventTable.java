package org.cnflows.higgsml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cnflows.common.FeatureMatrix;

/**
 * Columnar table of collision events: one {@code float[]} per named feature column, plus event
 * weights and the process of each event (architecture.md, "Events"). The signal label is derived
 * from the process ({@link PhysicsProcess#isSignal()}), so labels and processes cannot disagree.
 *
 * <p>Memory: {@code 4 (columns + 1) + 1} bytes per event and no per-event objects, so 10^6 events
 * with the 28 features take about 117 MB.
 *
 * <p>The arrays returned by {@link #column}, {@link #weights()} and {@link #processes()} are the
 * table's own storage, handed out without copying so that systematics and derived features can work
 * in place; the table's shape (size and column names) never changes. Not thread-safe for concurrent
 * writes; concurrent reads are safe.
 */
public final class EventTable {
  private final int size;
  private final LinkedHashMap<String, float[]> columns;
  private final float[] weights;
  private final byte[] processes;

  private EventTable(
      int size, LinkedHashMap<String, float[]> columns, float[] weights, byte[] processes) {
    this.size = size;
    this.columns = columns;
    this.weights = weights;
    this.processes = processes;
  }

  /** A table of {@code size} events with zero-filled columns of the given names. */
  public static EventTable allocate(int size, List<String> columnNames) {
    if (size < 0) {
      throw new IllegalArgumentException("size = " + size + " must be >= 0");
    }
    LinkedHashMap<String, float[]> cols = new LinkedHashMap<>();
    for (String name : columnNames) {
      if (cols.put(name, new float[size]) != null) {
        throw new IllegalArgumentException("column '" + name + "' named twice");
      }
    }
    return new EventTable(size, cols, new float[size], new byte[size]);
  }

  /**
   * A table over existing arrays (not copied).
   *
   * @param columns feature columns in order, all of the same length
   * @param weights one weight per event
   * @param processes one {@link PhysicsProcess} ordinal per event
   * @throws IllegalArgumentException naming the column whose length differs, or a bad ordinal
   */
  public static EventTable of(Map<String, float[]> columns, float[] weights, byte[] processes) {
    int n = weights.length;
    if (processes.length != n) {
      throw new IllegalArgumentException(
          "processes has " + processes.length + " entries but weights has " + n);
    }
    for (Map.Entry<String, float[]> e : columns.entrySet()) {
      if (e.getValue().length != n) {
        throw new IllegalArgumentException(
            "column '" + e.getKey() + "' has " + e.getValue().length + " entries, expected " + n);
      }
    }
    for (int i = 0; i < n; i++) {
      if (processes[i] < 0 || processes[i] >= PhysicsProcess.values().length) {
        throw new IllegalArgumentException("process ordinal " + processes[i] + " at row " + i);
      }
    }
    return new EventTable(n, new LinkedHashMap<>(columns), weights, processes);
  }

  /** Number of events. */
  public int size() {
    return size;
  }

  /** Names of the feature columns, in order. */
  public List<String> columnNames() {
    return Collections.unmodifiableList(new ArrayList<>(columns.keySet()));
  }

  /** Whether a feature column of this name exists. */
  public boolean hasColumn(String name) {
    return columns.containsKey(name);
  }

  /**
   * The live storage of a feature column.
   *
   * @throws IllegalArgumentException naming the column if the table has none of that name
   */
  public float[] column(String name) {
    float[] c = columns.get(name);
    if (c == null) {
      throw new IllegalArgumentException(
          "no column '" + name + "' in this table; columns: " + columns.keySet());
    }
    return c;
  }

  /** The live storage of the event weights. */
  public float[] weights() {
    return weights;
  }

  /** The live storage of the events' {@link PhysicsProcess} ordinals. */
  public byte[] processes() {
    return processes;
  }

  /** The process of event {@code row}. */
  public PhysicsProcess process(int row) {
    return PhysicsProcess.ofOrdinal(processes[row]);
  }

  /** A new array of 0/1 signal labels (1 for {@link PhysicsProcess#HTAUTAU}). */
  public int[] labels() {
    int[] labels = new int[size];
    for (int i = 0; i < size; i++) {
      labels[i] = process(i).isSignal() ? 1 : 0;
    }
    return labels;
  }

  /**
   * The named columns of every event as the hand-off type of flows and classifiers, with the
   * events' weights and signal labels (raw values: see {@link Preprocessor} for the paper's
   * preprocessing).
   */
  public FeatureMatrix features(List<String> names) {
    float[] x = new float[size * names.size()];
    for (int c = 0; c < names.size(); c++) {
      float[] v = column(names.get(c));
      for (int i = 0; i < size; i++) {
        x[i * names.size() + c] = v[i];
      }
    }
    return FeatureMatrix.of(x, names).withWeights(weights).withLabels(labels());
  }

  /** Sum of the weights of the events of one process, in double precision. */
  public double sumWeights(PhysicsProcess process) {
    double sum = 0;
    for (int i = 0; i < size; i++) {
      if (processes[i] == process.ordinal()) {
        sum += weights[i];
      }
    }
    return sum;
  }

  /** Number of events of one process. */
  public int count(PhysicsProcess process) {
    int count = 0;
    for (int i = 0; i < size; i++) {
      if (processes[i] == process.ordinal()) {
        count++;
      }
    }
    return count;
  }

  /** A new table holding the given rows, in the given order (rows may repeat). */
  public EventTable select(int[] rows) {
    LinkedHashMap<String, float[]> cols = new LinkedHashMap<>();
    for (Map.Entry<String, float[]> e : columns.entrySet()) {
      float[] src = e.getValue();
      float[] dst = new float[rows.length];
      for (int i = 0; i < rows.length; i++) {
        dst[i] = src[rows[i]];
      }
      cols.put(e.getKey(), dst);
    }
    float[] w = new float[rows.length];
    byte[] p = new byte[rows.length];
    for (int i = 0; i < rows.length; i++) {
      w[i] = weights[rows[i]];
      p[i] = processes[rows[i]];
    }
    return new EventTable(rows.length, cols, w, p);
  }

  /** A new table holding the rows whose {@code keep} flag is set, in order. */
  public EventTable filter(boolean[] keep) {
    if (keep.length != size) {
      throw new IllegalArgumentException(
          "keep mask has " + keep.length + " entries, table has " + size);
    }
    int[] rows = new int[size];
    int n = 0;
    for (int i = 0; i < size; i++) {
      if (keep[i]) {
        rows[n++] = i;
      }
    }
    return select(Arrays.copyOf(rows, n));
  }

  /** A deep copy. */
  public EventTable copy() {
    LinkedHashMap<String, float[]> cols = new LinkedHashMap<>();
    columns.forEach((name, c) -> cols.put(name, c.clone()));
    return new EventTable(size, cols, weights.clone(), processes.clone());
  }

  /**
   * The same events with every weight multiplied by {@code factor}, e.g. {@code luminosity / 10} to
   * turn the 10 fb^-1 expected yields of the challenge's weights into another luminosity's (columns
   * and processes shared, weights copied).
   *
   * @throws IllegalArgumentException if the factor is not finite and &gt; 0
   */
  public EventTable withWeightsScaled(double factor) {
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("weight factor " + factor + " must be finite and > 0");
    }
    float[] w = new float[size];
    for (int i = 0; i < size; i++) {
      w[i] = (float) (weights[i] * factor);
    }
    return new EventTable(size, new LinkedHashMap<>(columns), w, processes);
  }

  /**
   * A table sharing this table's arrays for the named columns only (a projection, not a copy).
   *
   * @throws IllegalArgumentException naming a column that does not exist
   */
  public EventTable project(List<String> names) {
    LinkedHashMap<String, float[]> cols = new LinkedHashMap<>();
    for (String name : names) {
      cols.put(name, column(name));
    }
    return new EventTable(size, cols, weights, processes);
  }

  /**
   * The tables' rows one after the other in a new table; all must have the same column names.
   *
   * @throws IllegalArgumentException if the list is empty or the column names differ
   */
  public static EventTable concat(List<EventTable> tables) {
    if (tables.isEmpty()) {
      throw new IllegalArgumentException("cannot concatenate an empty list of tables");
    }
    List<String> names = tables.get(0).columnNames();
    long total = 0;
    for (EventTable t : tables) {
      if (!t.columnNames().equals(names)) {
        throw new IllegalArgumentException(
            "column names differ: " + t.columnNames() + " vs " + names);
      }
      total += t.size;
    }
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(total + " events exceed one table's capacity");
    }
    EventTable out = allocate((int) total, names);
    int offset = 0;
    for (EventTable t : tables) {
      for (String name : names) {
        System.arraycopy(t.column(name), 0, out.column(name), offset, t.size);
      }
      System.arraycopy(t.weights, 0, out.weights, offset, t.size);
      System.arraycopy(t.processes, 0, out.processes, offset, t.size);
      offset += t.size;
    }
    return out;
  }

  @Override
  public String toString() {
    return "EventTable[" + size + " events, columns " + columns.keySet() + "]";
  }
}
