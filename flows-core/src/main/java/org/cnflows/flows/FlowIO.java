package org.cnflows.flows;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.gson.Gson;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import org.cnflows.common.Json;
import org.cnflows.common.ModelDirectory;

/**
 * Saves and loads flows in the one saved-model format ({@link ModelDirectory}): the manifest {@code
 * model.json} (type {@value #TYPE}; configuration: dimension, context and the layer configurations;
 * the seed, the training record and data fingerprints, provenance) and {@value #PARAMETERS} (every
 * parameter by name with its shape and raw float32/int64 values, then the CRC-32 of all that).
 * Loading verifies the checksum, rebuilds the architecture from the JSON and fills it, so a loaded
 * flow gives bit-identical log-densities; a damaged file (a changed, lost or added byte) fails with
 * the checksums, a parameter file that does not match the architecture with a message naming the
 * parameter, a NaN or infinite parameter (also refused when saving) with its name and index.
 */
public final class FlowIO {

  /** The model type of a saved flow. */
  public static final String TYPE = "flow";

  /** The parameter file. */
  public static final String PARAMETERS = "parameters.bin";

  private static final int MAGIC = 0x434E464C; // "CNFL"
  // 3: conditional MADEs (D >= 2) gained hidden units that see only the context: the same
  // parameter names and shapes as 2, another function, so a format-2 flow with such a layer is
  // refused rather than silently changed; the other format-2 flows load as before
  private static final int FORMAT = 3;
  private static final int HEADER = 12;
  private static final int TRAILER = Long.BYTES;
  private static final Gson GSON = Json.gson();

  private FlowIO() {}

  /** Whether a layer holds a MADE of D >= 2 features with a context (masks changed in format 3). */
  static boolean hasConditionalMade(Flow flow) {
    for (Bijection layer : flow.layers()) {
      boolean made =
          layer instanceof MaskedAutoregressive
              || layer instanceof FactorizableResidual f && f.contextDim() > f.nuisances();
      if (made && layer.dim() >= 2 && layer.contextDim() > 0) {
        return true;
      }
    }
    return false;
  }

  /** The configuration of a saved flow. */
  record Config(int dim, int contextDim, List<LayerSpec> layers) {}

  /** The layer configurations as JSON (the same form as in a saved flow's manifest). */
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
    List<Pair<String, Parameter>> parameters = flow.parameters();
    for (Pair<String, Parameter> p : parameters) {
      checkFinite(p.getKey(), p.getValue().getArray(), "cannot save the flow");
    }
    Files.createDirectories(directory);
    Path bin = directory.resolve(PARAMETERS + ".tmp");
    CheckedOutputStream checked =
        new CheckedOutputStream(new BufferedOutputStream(Files.newOutputStream(bin)), new CRC32());
    try (DataOutputStream out = new DataOutputStream(checked)) {
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
      out.writeLong(checked.getChecksum().getValue());
    }
    Files.move(bin, directory.resolve(PARAMETERS), StandardCopyOption.REPLACE_EXISTING);
    TrainingRecord training = flow.training();
    ModelDirectory.write(
        directory,
        TYPE,
        new Config(flow.dim(), flow.contextDim(), flow.layerSpecs()),
        new ModelDirectory.Record(
            flow.seed(),
            training,
            training == null ? List.of() : training.data(),
            EngineInfo.current().describe()));
  }

  /**
   * Loads a flow saved by {@link #save} onto a device.
   *
   * @throws IOException if a file is missing or unreadable
   * @throws IllegalArgumentException if the files are corrupt or do not match each other
   */
  public static Flow load(Path directory, Device device) throws IOException {
    ModelDirectory.Loaded<Config> loaded = ModelDirectory.read(directory, TYPE, Config.class);
    Config config = loaded.config();
    if (config.layers() == null) {
      throw new IllegalArgumentException(
          directory.resolve(ModelDirectory.MANIFEST) + " holds no layer configuration");
    }
    Flow flow =
        Flow.builder()
            .setDim(config.dim())
            .optContext(config.contextDim())
            .optSeed(loaded.manifest().seed())
            .optDevice(device)
            .addAll(config.layers())
            .build();
    Path bin = directory.resolve(PARAMETERS);
    byte[] file = Files.readAllBytes(bin);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(file))) {
      if (file.length < HEADER + TRAILER || in.readInt() != MAGIC) {
        throw new IllegalArgumentException(bin + " is not a cnflows parameter file");
      }
      int format = in.readInt();
      if (format == 2 && hasConditionalMade(flow)) {
        throw new IllegalArgumentException(
            bin
                + " has format 2, saved before the conditional autoregressive layers changed their"
                + " masks (format "
                + FORMAT
                + "): its weights would give other densities now; train the flow again");
      }
      if (format != FORMAT && format != 2) {
        throw new IllegalArgumentException(bin + " has format " + format + ", expected " + FORMAT);
      }
      checkSum(bin, file);
      List<Pair<String, Parameter>> expected = flow.parameters();
      int count = in.readInt();
      if (count != expected.size()) {
        throw new IllegalArgumentException(
            bin
                + " holds "
                + count
                + " parameters; the architecture in "
                + ModelDirectory.MANIFEST
                + " has "
                + expected.size());
      }
      for (Pair<String, Parameter> p : expected) {
        readInto(in, bin, p.getKey(), p.getValue().getArray());
      }
      if (in.available() != TRAILER) {
        throw new IllegalArgumentException(
            bin + " has " + (in.available() - TRAILER) + " bytes after the last parameter");
      }
    } catch (EOFException e) {
      flow.close();
      throw new IllegalArgumentException(bin + " is truncated", e);
    } catch (RuntimeException e) {
      flow.close();
      throw e;
    }
    flow.trained(TrainingRecord.fromJson(loaded.manifest().training()));
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
    int length = in.readInt();
    long needed = target.getShape().size() * target.getDataType().getNumOfBytes();
    if (length != needed) {
      throw new IllegalArgumentException(
          bin
              + ": parameter '"
              + name
              + "' declares "
              + length
              + " bytes, its shape "
              + target.getShape()
              + " needs "
              + needed);
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    target.set(ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()));
    checkFinite(name, target, bin.toString());
  }

  /** The CRC-32 of everything before the trailer must equal the trailer's. */
  private static void checkSum(Path bin, byte[] file) {
    CRC32 crc = new CRC32();
    crc.update(file, 0, file.length - TRAILER);
    long recorded = ByteBuffer.wrap(file, file.length - TRAILER, TRAILER).getLong();
    if (crc.getValue() != recorded) {
      throw new IllegalArgumentException(
          String.format(
              "%s is damaged: the CRC-32 of its %d bytes is %08x, the file records %08x (a byte"
                  + " was changed, lost or added); restore it from a copy or save the flow again",
              bin, file.length - TRAILER, crc.getValue(), recorded));
    }
  }

  /**
   * Throws naming the parameter and the first NaN or infinite value of a float32 array (flows hold
   * their weights in float32, index arrays in int64).
   */
  private static void checkFinite(String name, NDArray a, String context) {
    if (a.getDataType() != DataType.FLOAT32) {
      return;
    }
    float[] values = a.toFloatArray();
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new IllegalArgumentException(
            context
                + ": parameter '"
                + name
                + "' holds "
                + values[i]
                + " at index "
                + i
                + "; a flow with a non-finite parameter has no usable density");
      }
    }
  }
}
