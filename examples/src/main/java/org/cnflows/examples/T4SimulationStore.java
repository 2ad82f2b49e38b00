package org.cnflows.examples;

import ai.djl.Device;
import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.cnflows.common.Json;
import org.cnflows.flows.Flow;
import org.cnflows.flows.FlowIO;
import org.cnflows.flows.LearningRateSchedule;

/**
 * A trained T4 simulation (nominal flows and residuals) kept in a directory, so that studies of the
 * same simulation with other fitting options skip its training (14 minutes of a full-scale run on
 * one thread): {@code simulation.json} holds the options it was trained with, each flow is saved by
 * {@link FlowIO} (which refuses files of an older parameter format). A directory is reused only
 * when every option matches and each saved flow has the layers this version builds; anything else
 * is an error that names the difference, never a silent retraining over the saved flows. A change
 * of the training code that keeps the options and the layers is not seen: delete the directory
 * after one.
 */
final class T4SimulationStore {

  /** The file of the options, written after the flows (a directory without it holds nothing). */
  static final String OPTIONS = "simulation.json";

  private static final Gson GSON = Json.gson();

  /**
   * Options added after simulations were first saved, with the value that means what such a
   * simulation was trained with, so that it stays usable for the runs that ask for that value.
   */
  private static final Map<String, JsonElement> BEFORE = Map.of("flowFinish", new JsonPrimitive(0));

  private T4SimulationStore() {}

  /**
   * The options a trained simulation depends on.
   *
   * @param features whether it holds the feature flows p(y | x, c, nu) (t4 kinematics trains
   *     without them)
   */
  record Options(
      int nominalEvents,
      int templateEvents,
      int flowSteps,
      int residualSteps,
      double flowAverage,
      int flowFinish,
      int batchSize,
      boolean cornerTemplates,
      LearningRateSchedule schedule,
      long seed,
      boolean features) {

    static Options of(T4Study.Settings s, boolean features) {
      return new Options(
          s.nominalEvents(),
          s.templateEvents(),
          s.flowSteps(),
          s.residualSteps(),
          s.flowAverage(),
          s.flowFinish(),
          s.batchSize(),
          s.cornerTemplates(),
          s.schedule(),
          s.seed(),
          features);
    }
  }

  /**
   * The simulation's flows, built untrained on demand: what training starts from and what a saved
   * flow must match.
   */
  record Layout(
      Supplier<Flow> xBase,
      Supplier<Flow> yBase,
      Supplier<Flow> xResidual,
      Supplier<Flow> yResidual) {}

  /** Whether the directory holds a saved simulation. */
  static boolean holds(Path directory) {
    return Files.isRegularFile(directory.resolve(OPTIONS));
  }

  /**
   * Saves a trained simulation; its feature flows only if it has them.
   *
   * @throws IOException if a file cannot be written
   */
  static void save(T4Simulation sim, Path directory, T4Study.Settings s) throws IOException {
    boolean features = sim.yBase() != null;
    FlowIO.save(sim.xBase(), directory.resolve("x-base"));
    FlowIO.save(sim.xResidual(), directory.resolve("x-residual"));
    if (features) {
      FlowIO.save(sim.yBase(), directory.resolve("y-base"));
      FlowIO.save(sim.yResidual(), directory.resolve("y-residual"));
    }
    Json.write(directory.resolve(OPTIONS), Options.of(s, features));
  }

  /**
   * Loads the simulation saved in the directory.
   *
   * @param features whether the feature flows are needed; a simulation saved with them serves a
   *     study without them too
   * @param layout the flows this version builds, to check the saved ones against
   * @throws IOException if a file is missing or unreadable
   * @throws IllegalArgumentException if the simulation was trained with other options, without the
   *     feature flows asked for, or its flows have other layers
   */
  static T4Simulation load(
      Path directory, T4Study.Settings s, boolean features, Layout layout, Device device)
      throws IOException {
    Path file = directory.resolve(OPTIONS);
    JsonObject saved =
        Json.read(
            file,
            JsonObject.class,
            "saved T4 simulation's options",
            o -> o.has("features") && o.get("features").isJsonPrimitive());
    JsonObject wanted = GSON.toJsonTree(Options.of(s, features)).getAsJsonObject();
    List<String> differences = new ArrayList<>();
    for (String name : wanted.keySet()) {
      if (name.equals("features")) {
        continue;
      }
      JsonElement have = saved.has(name) ? saved.get(name) : BEFORE.get(name);
      if (!wanted.get(name).equals(have)) {
        differences.add(name + " " + have + " (asked: " + wanted.get(name) + ")");
      }
    }
    if (!differences.isEmpty()) {
      throw new IllegalArgumentException(
          directory
              + " holds a simulation trained with other options: "
              + String.join(", ", differences)
              + "; give another directory or delete this one");
    }
    if (features && !saved.get("features").getAsBoolean()) {
      throw new IllegalArgumentException(
          directory
              + " holds a simulation without the feature flows p(y | x, c, nu) (saved by t4"
              + " kinematics); give another directory or delete this one");
    }
    List<Flow> loaded = new ArrayList<>();
    try {
      Flow xBase = checked(directory, "x-base", layout.xBase(), device, loaded);
      Flow xResidual = checked(directory, "x-residual", layout.xResidual(), device, loaded);
      Flow yBase = features ? checked(directory, "y-base", layout.yBase(), device, loaded) : null;
      Flow yResidual =
          features ? checked(directory, "y-residual", layout.yResidual(), device, loaded) : null;
      return new T4Simulation(xBase, yBase, xResidual, yResidual);
    } catch (IOException | RuntimeException e) {
      loaded.forEach(Flow::close);
      throw e;
    }
  }

  /** A saved flow, refused unless it has the dimensions and layers of a freshly built one. */
  private static Flow checked(
      Path directory, String name, Supplier<Flow> fresh, Device device, List<Flow> loaded)
      throws IOException {
    Flow flow = FlowIO.load(directory.resolve(name), device);
    loaded.add(flow);
    try (Flow expected = fresh.get()) {
      if (flow.dim() != expected.dim()
          || flow.contextDim() != expected.contextDim()
          || !flow.layerSpecs().equals(expected.layerSpecs())) {
        throw new IllegalArgumentException(
            directory.resolve(name)
                + " has other layers than this version of t4 builds ("
                + flow.layerSpecs()
                + "; builds "
                + expected.layerSpecs()
                + "); give another directory or delete this one");
      }
    }
    return flow;
  }
}
