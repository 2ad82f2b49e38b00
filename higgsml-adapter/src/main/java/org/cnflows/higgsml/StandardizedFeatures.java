package org.cnflows.higgsml;

import java.util.List;

/**
 * The preprocessed features of the events of one jet category, row-major.
 *
 * @param category the jet category
 * @param features the column names, in order
 * @param rows for each output row, the row of the event in the source table (to fetch its weight or
 *     process)
 * @param values {@code rows.length x features.size()} values, row-major
 */
public record StandardizedFeatures(
    JetCategory category, List<String> features, int[] rows, float[] values) {

  /** Number of events. */
  public int size() {
    return rows.length;
  }

  /** The value of feature {@code column} of event {@code row}. */
  public float get(int row, int column) {
    return values[row * features.size() + column];
  }
}
