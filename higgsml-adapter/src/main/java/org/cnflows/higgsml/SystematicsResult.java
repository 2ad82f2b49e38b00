package org.cnflows.higgsml;

/**
 * The events after an application of the systematics, what the post-selection did, and which input
 * rows the kept events come from.
 *
 * @param events the kept events, DER features recomputed, in input order
 * @param postSelection the post-selection counts
 * @param keptRows for each kept event, its 0-based row in the input table (increasing), so that
 *     {@code events} row k is input row {@code keptRows[k]}; the array is the result's own, not a
 *     copy
 */
public record SystematicsResult(EventTable events, PostSelection postSelection, int[] keptRows) {
  /** Checks that there is one input row per kept event. */
  public SystematicsResult {
    if (keptRows.length != events.size()) {
      throw new IllegalArgumentException(
          keptRows.length + " kept rows for " + events.size() + " kept events");
    }
  }
}
