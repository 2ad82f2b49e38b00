package org.cnflows.common;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The one saved-model format of cnflows: a directory with a manifest {@value #MANIFEST} and, for
 * models with weights, parameter files beside it. Flows, CNF sets, classifiers, preprocessors and
 * Neyman belts all write it. The manifest is readable JSON:
 *
 * <pre>
 * { "format": "cnflows-model", "formatVersion": 1, "type": "flow",
 *   "config": { the model's own configuration },
 *   "training": { the training settings and result, or null },
 *   "data": [ fingerprints of the data the model was fitted on ],
 *   "seed": 7,
 *   "provenance": { "library", "engine", "java", "platform", "created" } }
 * </pre>
 *
 * Reading checks the format name, the version and the type before anything else, and says which of
 * them is wrong.
 */
public final class ModelDirectory {

  /** The manifest file of every saved model. */
  public static final String MANIFEST = "model.json";

  /** The format name in every manifest. */
  public static final String FORMAT = "cnflows-model";

  /** The version this cnflows writes and reads. */
  public static final int VERSION = 1;

  private static final Gson GSON = Json.gson();

  private ModelDirectory() {}

  /**
   * A manifest.
   *
   * @param format always {@value #FORMAT}
   * @param formatVersion the version of the format
   * @param type the kind of model ("flow", "cnf-set", "classifier", "preprocessor", ...)
   * @param config the model's own configuration
   * @param training the training settings and outcome, or null
   * @param data fingerprints of the data the model was fitted on (may be empty)
   * @param seed the seed the model was built with
   * @param provenance library, engine, Java, platform and time
   */
  public record Manifest(
      String format,
      int formatVersion,
      String type,
      JsonElement config,
      JsonElement training,
      List<DataFingerprint> data,
      long seed,
      Provenance provenance) {}

  /**
   * What a model records beside its configuration.
   *
   * @param seed the seed the model was built with
   * @param training the training settings and outcome (any JSON-serializable record), or null
   * @param data fingerprints of the data the model was fitted on
   * @param engine the engine description for the provenance ("none" for pure-Java models)
   */
  public record Record(long seed, Object training, List<DataFingerprint> data, String engine) {

    /** Copies the fingerprints. */
    public Record {
      data = data == null ? List.of() : List.copyOf(data);
      if (engine == null) {
        throw new IllegalArgumentException("engine description is null");
      }
    }
  }

  /**
   * A manifest read back with its configuration in the model's type.
   *
   * @param config the configuration
   * @param manifest the whole manifest (seed, training, data, provenance)
   */
  public record Loaded<T>(T config, Manifest manifest) {}

  /**
   * Writes the manifest of a model into {@code directory} (created if needed; the file is replaced
   * atomically). The caller writes its parameter files beside it.
   *
   * @throws IOException if the directory or file cannot be written
   */
  public static void write(Path directory, String type, Object config, Record record)
      throws IOException {
    Files.createDirectories(directory);
    Manifest manifest =
        new Manifest(
            FORMAT,
            VERSION,
            type,
            GSON.toJsonTree(config),
            record.training() == null ? null : GSON.toJsonTree(record.training()),
            record.data(),
            record.seed(),
            Provenance.current(record.engine()));
    Path tmp = directory.resolve(MANIFEST + ".tmp");
    Files.writeString(tmp, GSON.toJson(manifest), StandardCharsets.UTF_8);
    Files.move(tmp, directory.resolve(MANIFEST), StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Reads the manifest of a model of the given type.
   *
   * @throws IOException if the directory has no manifest or it cannot be read
   * @throws IllegalArgumentException if the file is not a cnflows manifest, has another format
   *     version or holds another type of model, or its configuration does not parse
   */
  public static <T> Loaded<T> read(Path directory, String type, Class<T> configType)
      throws IOException {
    Manifest m = manifest(directory);
    Path file = directory.resolve(MANIFEST);
    if (!type.equals(m.type())) {
      throw new IllegalArgumentException(file + " holds a saved " + m.type() + ", not a " + type);
    }
    T config;
    try {
      config = GSON.fromJson(m.config(), configType);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(
          file + ": the " + type + " configuration does not parse: " + e.getMessage(), e);
    }
    if (config == null) {
      throw new IllegalArgumentException(file + " holds no " + type + " configuration");
    }
    return new Loaded<>(config, m);
  }

  /**
   * The manifest of any saved model, checked for format and version.
   *
   * @throws IOException if the directory has no manifest or it cannot be read
   * @throws IllegalArgumentException if it is not a cnflows manifest of this format version
   */
  public static Manifest manifest(Path directory) throws IOException {
    Path file = directory.resolve(MANIFEST);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(
          file.toString(), null, "no saved cnflows model here (" + MANIFEST + " is missing)");
    }
    Manifest m;
    try {
      m = GSON.fromJson(text, Manifest.class);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(file + " is not valid JSON: " + e.getMessage(), e);
    }
    if (m == null || !FORMAT.equals(m.format())) {
      throw new IllegalArgumentException(
          file
              + " is not a cnflows model manifest (format "
              + (m == null ? null : m.format())
              + ", expected "
              + FORMAT
              + ")");
    }
    if (m.formatVersion() != VERSION) {
      throw new IllegalArgumentException(
          file
              + " has format version "
              + m.formatVersion()
              + "; this cnflows ("
              + Provenance.libraryVersion()
              + ") reads version "
              + VERSION);
    }
    if (m.type() == null || m.config() == null) {
      throw new IllegalArgumentException(file + " lacks the model type or configuration");
    }
    return m;
  }
}
