package org.cnflows.higgsml.analysis;

import org.cnflows.higgsml.EventTable;

/**
 * One histogram of the DNN score on [0, 1] for the events of both analysed jet categories, the two
 * classifier heads' scores pooled (as the challenge's starting kits histogram the one score of
 * their single classifier), split by label: the input of the starting-kit methods ({@link
 * CountingModel}, {@link OneSystematicModel}). Scores come from the one scoring path {@link
 * TemplateStage#score}; 0-jet events are not scored and not counted.
 *
 * @param signal per bin, the summed weights of signal events
 * @param background per bin, the summed weights of background events
 */
record PooledScoreHistogram(double[] signal, double[] background) {

  /** The weighted histogram of the events' scores in {@code bins} equal bins. */
  static PooledScoreHistogram of(EventTable events, TemplateStage.Models models, int bins) {
    double[] s = new double[bins];
    double[] b = new double[bins];
    TemplateStage.Scored scored = TemplateStage.score(events, models);
    for (int row = 0; row < events.size(); row++) {
      if (scored.head()[row] >= 0) {
        double[] h = events.process(row).isSignal() ? s : b;
        h[TemplateStage.bin(scored.score()[row], 0, bins)] += events.weights()[row];
      }
    }
    return new PooledScoreHistogram(s, b);
  }

  /**
   * Per bin, signal plus background: what a method may look at in data (the labels of a
   * pseudo-experiment's events are not used).
   */
  double[] total() {
    double[] t = new double[signal.length];
    for (int k = 0; k < t.length; k++) {
      t[k] = signal[k] + background[k];
    }
    return t;
  }
}
