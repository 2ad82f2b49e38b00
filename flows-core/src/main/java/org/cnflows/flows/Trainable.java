package org.cnflows.flows;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A model that {@link Trainer} can train: trainable parameters on one device, and a way to save a
 * checkpoint. Flows and classifiers implement it, so one loop trains both.
 */
public interface Trainable {

  /** The parameters the optimizer updates (those that require a gradient), in a fixed order. */
  List<Parameter> trainableParameters();

  /** The manager that owns the parameters (the trainer allocates below it, on its device). */
  NDManager manager();

  /**
   * Called once before the first step with the first rows of the first training source, e.g. to
   * data-initialize layers; the default does nothing.
   */
  default void prepare(Batch firstRows) {}

  /**
   * Called by {@link Trainer} when a run ends, so the model can save how it was trained (settings,
   * data fingerprints, outcome) with its parameters.
   */
  void trained(TrainingRecord record);

  /** How the model was last trained, or null if it was not (or was loaded without a record). */
  TrainingRecord training();

  /** Writes the model into a directory, as a checkpoint of the best evaluation. */
  void save(Path directory) throws IOException;

  /** The number of trainable scalars. */
  default long trainableSize() {
    long n = 0;
    for (Parameter p : trainableParameters()) {
      n += p.getArray().size();
    }
    return n;
  }
}
