package org.cnflows.higgsml.analysis;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.cnflows.common.Json;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.NuisanceParameters;
import org.cnflows.higgsml.Systematics;

/**
 * The HiggsML Uncertainty Challenge's first starting kit, the counting model (FAIR-Universe
 * HEP-Challenge, {@code simple_stat_only_model/model.py}), re-implemented on this analysis's DNN
 * trained without the CNF columns in place of the kit's boosted trees (XGBoost).
 *
 * <p>Calibration on a holdout (here the template pool, systematics applied at nominal: soft_met 0,
 * every scale 1): with the selection sel = [score &gt;= 0.5], gamma = sum(w sel label) + 0.1 and
 * beta = sum(w sel (1 - label)) - 0.1. Prediction on a dataset with N selected events:
 *
 * <pre>
 * mu-hat = (N - beta) / gamma
 * del_stat = sqrt(beta + gamma) / gamma
 * del_sys = |0.1 mu-hat|
 * del_tot = 0.5 sqrt(del_stat^2 + del_sys^2)
 * p16 = mu-hat - del_tot, p84 = mu-hat + del_tot
 * </pre>
 *
 * The factor 1/2 in del_tot is the kit's own (its interval [p16, p84] is thus half as wide as
 * mu-hat +- the quadrature sum); it is reproduced, not corrected. What differs from the kit: the
 * classifier (our two-headed DNN, heads pooled, on the 1-jet and &gt;= 2-jet events only: 0-jet
 * events are not scored, so they are neither selected nor counted) and the cut, score &gt;= 0.5
 * where the kit has &gt; 0.5 (only a score of exactly 0.5 tells them apart). mu-hat is not clipped
 * at 0, as in the kit.
 */
public final class CountingModel implements Method {

  /** The method's name. */
  public static final String NAME = "counting";

  /** The kit's relative systematic on mu-hat. */
  static final double SYSTEMATIC = 0.1;

  /** The kit's offset of gamma (added) and beta (subtracted). */
  static final double OFFSET = 0.1;

  /**
   * The holdout's figures (the stage's product).
   *
   * @param beta selected background, minus 0.1
   * @param gamma selected signal, plus 0.1
   * @param expected all events of the analysed categories at mu = 1 (for {@link
   *     HiggsMlPredictor.Prediction#expectedEvents})
   */
  public record Calibration(double beta, double gamma, double expected) {
    static final String FILE = "counting.json";

    void save(Path directory) throws IOException {
      Json.write(directory.resolve(FILE), this);
    }

    static Calibration load(Path directory) throws IOException {
      return Json.read(directory.resolve(FILE), Calibration.class, "counting model", c -> true);
    }
  }

  private final TemplateStage.Models models;
  private final Calibration calibration;

  /**
   * @param models the models whose DNN scores the events (the caller keeps ownership)
   * @param calibration beta and gamma from {@link #calibrate}
   */
  public CountingModel(TemplateStage.Models models, Calibration calibration) {
    this.models = models;
    this.calibration = calibration;
  }

  /** beta and gamma of a weighted holdout (expected events), systematics applied at nominal. */
  public static Calibration calibrate(EventTable holdout, TemplateStage.Models models) {
    EventTable nominal =
        Systematics.apply(holdout, NuisanceParameters.NOMINAL, new SplittableRandom(0)).events();
    PooledScoreHistogram h = PooledScoreHistogram.of(nominal, models, 2);
    return new Calibration(
        h.background()[1] - OFFSET,
        h.signal()[1] + OFFSET,
        h.signal()[0] + h.signal()[1] + h.background()[0] + h.background()[1]);
  }

  /**
   * The kit's formulas for {@code selected} events: {mu-hat, p16, p84}.
   *
   * @throws IllegalArgumentException if gamma is not positive or beta + gamma is negative
   */
  public static double[] interval(double selected, double beta, double gamma) {
    if (!(gamma > 0) || !(beta + gamma >= 0)) {
      throw new IllegalArgumentException(
          "counting model: gamma = "
              + gamma
              + " must be > 0 and beta + gamma >= 0 (beta = "
              + beta
              + ")");
    }
    double mu = (selected - beta) / gamma;
    double stat = Math.sqrt(beta + gamma) / gamma;
    double sys = Math.abs(SYSTEMATIC * mu);
    double total = 0.5 * Math.sqrt(stat * stat + sys * sys);
    return new double[] {mu, mu - total, mu + total};
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public HiggsMlPredictor.Prediction predict(EventTable events) {
    double[] counts = PooledScoreHistogram.of(events, models, 2).total();
    double all = Method.analysedEvents(counts, events.size());
    double[] m = interval(counts[1], calibration.beta(), calibration.gamma());
    return new HiggsMlPredictor.Prediction(
        m[0], m[1], m[2], null, null, all, calibration.expected());
  }
}
