package org.cnflows.higgsml.analysis;

/** The checks the analysis stages' settings share; messages name the stage and every value. */
final class StageSettings {

  private StageSettings() {}

  /** Throws unless every value is at least 1. */
  static void requirePositive(String stage, String[] names, int... values) {
    for (int v : values) {
      if (v < 1) {
        StringBuilder all = new StringBuilder(stage + ": ");
        for (int k = 0; k < names.length; k++) {
          all.append(k == 0 ? "" : ", ").append(names[k]).append(" = ").append(values[k]);
        }
        throw new IllegalArgumentException(all + " must all be >= 1");
      }
    }
  }

  /** Throws unless the learning rate is finite and positive. */
  static void requireRate(String stage, double learningRate) {
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException(
          stage + ": learningRate = " + learningRate + " must be finite and > 0");
    }
  }
}
