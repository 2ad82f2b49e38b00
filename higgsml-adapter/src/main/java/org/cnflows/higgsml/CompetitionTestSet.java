package org.cnflows.higgsml;

import java.util.Set;

/**
 * The test set of the 2024 competition layout as {@link HiggsMlReader#read2024Test} read it.
 *
 * @param events the events of the processes found, in {@link PhysicsProcess#CHALLENGE} order, with
 *     all 28 features
 * @param derivedComputed true if a file held no DER columns (the competition's test files hold the
 *     16 PRI columns and {@code weights}; the challenge computes DER at ingestion), so that its DER
 *     features were computed on read with {@link DerivedFeatures}; false if every file's DER were
 *     read as stored
 * @param missingProcesses the challenge processes without a file in the directory
 */
public record CompetitionTestSet(
    EventTable events, boolean derivedComputed, Set<PhysicsProcess> missingProcesses) {
  /** Makes the set of missing processes unmodifiable. */
  public CompetitionTestSet {
    missingProcesses = Set.copyOf(missingProcesses);
  }
}
