package org.cnflows.higgsml;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Physics process of an event (higgsml.md, "Events and processes"): the signal {@code htautau} and
 * the backgrounds {@code ztautau}, {@code ttbar}, {@code diboson}. {@link #BACKGROUND} stands for a
 * background of unknown sub-process (the 2014 data only has s/b labels); it is normalized like Z to
 * tau tau, by {@code bkg_scale} alone.
 */
public enum Process {
  HTAUTAU("htautau", true),
  ZTAUTAU("ztautau", false),
  TTBAR("ttbar", false),
  DIBOSON("diboson", false),
  BACKGROUND("background", false);

  private static final Process[] VALUES = values();

  private final String label;
  private final boolean signal;

  Process(String label, boolean signal) {
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
  public static Process ofOrdinal(int ordinal) {
    return VALUES[ordinal];
  }

  /**
   * The process named by a {@code detailed_labels} value.
   *
   * @throws IllegalArgumentException naming the label if it is not one of the known processes
   */
  public static Process fromLabel(String label) {
    for (Process p : VALUES) {
      if (p.label.equals(label)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "detailed label '"
            + label
            + "' is not one of "
            + Arrays.stream(VALUES).map(Process::label).collect(Collectors.joining(", ")));
  }
}
