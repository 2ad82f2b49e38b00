package org.cnflows.flows;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import org.cnflows.common.Json;

/**
 * Saves and loads flows as a directory of two files: {@value #CONFIG} (readable JSON: dimension,
 * context, seed, the layer configurations and the {@link Provenance}) and {@value #PARAMETERS}
 * (every parameter by name with its shape and raw float32/int64 values). Loading rebuilds the
 * architecture from the JSON and fills it, so a loaded flow gives bit-identical log-densities; a
 * parameter file that does not match the architecture fails with a message naming the parameter.
 */
public final class FlowIO {

  /** The configuration file. */
  public static final String CONFIG = "flow.json";

  /** The parameter file. */
  public static final String PARAMETERS = "parameters.bin";

  private static final int MAGIC = 0x434E464C; // "CNFL"
  private static final int FORMAT = 1;
  private static final Gson GSON = Json.gson();

  private FlowIO() {}

  /** What {@value #CONFIG} holds. */
  record Config(
      int dim, int contextDim, long seed, List<LayerSpec> layers, Provenance provenance) {}

  /** The layer configurations as JSON (the same form as in {@value #CONFIG}). */
  public static String toJson(List<LayerSpec> layers) {
    return GSON.toJson(layers.toArray(new LayerSpec[0]), LayerSpec[].class);
  }

  /** Layer configurations from JSON written by {@link #toJson}. */
  public static List<LayerSpec> layersFromJson(String json) {
    return Arrays.asList(GSON.fromJson(json, LayerSpec[].class));
  }

  /**
   * Writes the flow into {@code directory} (created if needed; files replaced atomically).
   *
   * @throws IOException if the files cannot be written
   */
  public static void save(Flow flow, Path directory) throws IOException {
    Files.createDirectories(directory);
    Config config =
        new Config(
            flow.dim(),
            flow.contextDim(),
            flow.seed(),
            flow.layerSpecs(),
            Provenance.current(flow.seed()));
    Path json = directory.resolve(CONFIG + ".tmp");
    Files.writeString(json, GSON.toJson(config), StandardCharsets.UTF_8);
    Path bin = directory.resolve(PARAMETERS + ".tmp");
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(bin)))) {
      List<Pair<String, Parameter>> parameters = flow.parameters();
      out.writeInt(MAGIC);
      out.writeInt(FORMAT);
      out.writeInt(parameters.size());
      for (Pair<String, Parameter> p : parameters) {
        NDArray a = p.getValue().getArray();
        out.writeUTF(p.getKey());
        out.writeUTF(a.getDataType().name());
        long[] shape = a.getShape().getShape();
        out.writeInt(shape.length);
        for (long s : shape) {
          out.writeLong(s);
        }
        byte[] bytes = a.toByteArray();
        out.writeInt(bytes.length);
        out.write(bytes);
      }
    }
    Files.move(json, directory.resolve(CONFIG), StandardCopyOption.REPLACE_EXISTING);
    Files.move(bin, directory.resolve(PARAMETERS), StandardCopyOption.REPLACE_EXISTING);
  }

  /** The provenance recorded in a saved flow. */
  public static Provenance provenance(Path directory) throws IOException {
    return readConfig(directory).provenance();
  }

  /**
   * Loads a flow saved by {@link #save} onto a device.
   *
   * @throws IOException if a file is missing or unreadable
   * @throws IllegalArgumentException if the files are corrupt or do not match each other
   */
  public static Flow load(Path directory, Device device) throws IOException {
    Config config = readConfig(directory);
    Flow flow =
        Flow.builder()
            .setDim(config.dim())
            .optContext(config.contextDim())
            .optSeed(config.seed())
            .optDevice(device)
            .addAll(config.layers())
            .build();
    Path bin = directory.resolve(PARAMETERS);
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(bin)))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException(bin + " is not a cnflows parameter file");
      }
      int format = in.readInt();
      if (format != FORMAT) {
        throw new IllegalArgumentException(bin + " has format " + format + ", expected " + FORMAT);
      }
      List<Pair<String, Parameter>> expected = flow.parameters();
      int count = in.readInt();
      if (count != expected.size()) {
        throw new IllegalArgumentException(
            bin
                + " holds "
                + count
                + " parameters; the architecture in "
                + CONFIG
                + " has "
                + expected.size());
      }
      for (Pair<String, Parameter> p : expected) {
        readInto(in, bin, p.getKey(), p.getValue().getArray());
      }
    } catch (EOFException e) {
      flow.close();
      throw new IllegalArgumentException(bin + " is truncated", e);
    } catch (RuntimeException e) {
      flow.close();
      throw e;
    }
    return flow;
  }

  private static void readInto(DataInputStream in, Path bin, String name, NDArray target)
      throws IOException {
    String stored = in.readUTF();
    if (!stored.equals(name)) {
      throw new IllegalArgumentException(
          bin + ": parameter '" + stored + "' found where the architecture expects '" + name + "'");
    }
    DataType type = DataType.valueOf(in.readUTF());
    long[] shape = new long[in.readInt()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = in.readLong();
    }
    if (type != target.getDataType() || !new Shape(shape).equals(target.getShape())) {
      throw new IllegalArgumentException(
          bin
              + ": parameter '"
              + name
              + "' is "
              + type
              + new Shape(shape)
              + ", the architecture needs "
              + target.getDataType()
              + target.getShape());
    }
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    target.set(java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.nativeOrder()));
  }

  private static Config readConfig(Path directory) throws IOException {
    Path json = directory.resolve(CONFIG);
    try {
      Config config = GSON.fromJson(Files.readString(json, StandardCharsets.UTF_8), Config.class);
      if (config == null || config.layers() == null) {
        throw new IllegalArgumentException(json + " holds no flow configuration");
      }
      return config;
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(
          json + " is not a valid flow configuration: " + e.getMessage(), e);
    }
  }
}
