package org.cnflows.higgsml;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Physics process of an event (higgsml.md, "Events and processes"): the signal {@code htautau} and
 * the backgrounds {@code ztautau}, {@code ttbar}, {@code diboson}. {@link #BACKGROUND} stands for a
 * background of unknown sub-process (the 2014 data only has s/b labels); it is normalized like Z to
 * tau tau, by {@code bkg_scale} alone.
 */
public enum PhysicsProcess {
  HTAUTAU("htautau", true),
  ZTAUTAU("ztautau", false),
  TTBAR("ttbar", false),
  DIBOSON("diboson", false),
  BACKGROUND("background", false);

  /** The four processes of the challenge data, signal first. */
  public static final List<PhysicsProcess> CHALLENGE = List.of(HTAUTAU, ZTAUTAU, TTBAR, DIBOSON);

  private static final PhysicsProcess[] VALUES = values();

  private final String label;
  private final boolean signal;

  PhysicsProcess(String label, boolean signal) {
    this.label = label;
    this.signal = signal;
  }

  /** The name used in the {@code detailed_labels} column. */
  public String label() {
    return label;
  }

  /** Whether the process is the signal (label 1). */
  public boolean isSignal() {
    return signal;
  }

  /** The process of a given ordinal, as stored in {@link EventTable#processes()}. */
  public static PhysicsProcess ofOrdinal(int ordinal) {
    return VALUES[ordinal];
  }

  /**
   * The process named by a {@code detailed_labels} value.
   *
   * @throws IllegalArgumentException naming the label if it is not one of the known processes
   */
  public static PhysicsProcess fromLabel(String label) {
    for (PhysicsProcess p : VALUES) {
      if (p.label.equals(label)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "detailed label '"
            + label
            + "' is not one of "
            + Arrays.stream(VALUES).map(PhysicsProcess::label).collect(Collectors.joining(", ")));
  }
}
