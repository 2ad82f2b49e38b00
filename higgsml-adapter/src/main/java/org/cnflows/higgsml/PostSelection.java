package org.cnflows.higgsml;

/**
 * Counts of the post-selection applied with every systematics application (higgsml.md, "Kinematic
 * systematics" step 6): events dropped for {@code PRI_had_pt < 26}, then for {@code PRI_lep_pt <
 * 20}; among the kept events, jets with pt in [0, 26] removed.
 *
 * @param input events before the post-selection
 * @param droppedHadPt events dropped because PRI_had_pt < 26
 * @param droppedLepPt events (with PRI_had_pt >= 26) dropped because PRI_lep_pt < 20
 * @param eventsLosingJet kept events that lost at least one jet
 * @param leadingJetsRemoved leading jets removed from kept events
 * @param subleadingJetsRemoved subleading jets removed from kept events
 */
public record PostSelection(
    int input,
    int droppedHadPt,
    int droppedLepPt,
    int eventsLosingJet,
    int leadingJetsRemoved,
    int subleadingJetsRemoved) {

  /** Events kept. */
  public int kept() {
    return input - droppedHadPt - droppedLepPt;
  }
}
