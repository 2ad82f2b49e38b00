package org.cnflows.flows;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import java.util.List;
import org.cnflows.common.DataFingerprint;
import org.cnflows.common.Json;

/**
 * How a model was trained, as saved in its manifest ({@link org.cnflows.common.ModelDirectory}):
 * the settings of the run, a fingerprint of every data source, and how the run ended.
 *
 * @param learningRate Adam's base step size
 * @param schedule the step-size schedule
 * @param beta1 Adam's first-moment decay
 * @param beta2 Adam's second-moment decay
 * @param epsilon Adam's epsilon
 * @param batchSize rows per source per step
 * @param maxSteps the configured number of steps
 * @param validationFraction held-out share of each source
 * @param evaluateEvery steps between evaluations
 * @param patience early-stopping patience (0: off)
 * @param clipNorm gradient-norm clip (0: off)
 * @param keepBest whether the model ended on its best evaluation
 * @param averageLast the last steps whose mean parameters the model ended with (0: none; absent
 *     from manifests written before it existed, read as 0)
 * @param seed the seed of the split and batch order
 * @param objective the objective's class name
 * @param data one fingerprint per data source, in order
 * @param status how the run ended
 * @param steps steps done
 * @param bestStep the best evaluation's step
 * @param bestLoss its loss
 */
public record TrainingRecord(
    double learningRate,
    LearningRateSchedule schedule,
    double beta1,
    double beta2,
    double epsilon,
    int batchSize,
    int maxSteps,
    double validationFraction,
    int evaluateEvery,
    int patience,
    double clipNorm,
    boolean keepBest,
    int averageLast,
    long seed,
    String objective,
    List<DataFingerprint> data,
    TrainingResult.Status status,
    int steps,
    int bestStep,
    double bestLoss) {

  private static final Gson GSON = Json.gson();

  /** Copies the fingerprints. */
  public TrainingRecord {
    data = List.copyOf(data);
  }

  /**
   * A record read back from a manifest, or null for a model saved without one.
   *
   * @throws IllegalArgumentException if the JSON is not a training record
   */
  public static TrainingRecord fromJson(JsonElement json) {
    if (json == null || json.isJsonNull()) {
      return null;
    }
    try {
      return GSON.fromJson(json, TrainingRecord.class);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException("not a training record: " + e.getMessage(), e);
    }
  }

  /** The record of a finished run. */
  static TrainingRecord of(
      TrainingConfig c, Object objective, List<DataFingerprint> data, TrainingResult r) {
    return new TrainingRecord(
        c.learningRate(),
        c.schedule(),
        c.beta1(),
        c.beta2(),
        c.epsilon(),
        c.batchSize(),
        c.steps(),
        c.validationFraction(),
        c.evaluateEvery(),
        c.patience(),
        c.clipNorm(),
        c.keepBest(),
        c.averageLast(),
        c.seed(),
        objective.getClass().getName(),
        data,
        r.status(),
        r.steps(),
        r.bestStep(),
        r.bestValidationLoss());
  }
}
