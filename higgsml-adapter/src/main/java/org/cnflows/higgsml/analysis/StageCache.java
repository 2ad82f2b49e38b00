package org.cnflows.higgsml.analysis;

import com.google.gson.Gson;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.cnflows.common.Directories;
import org.cnflows.common.Json;
import org.cnflows.common.Provenance;
import org.cnflows.flows.EngineInfo;

/**
 * The output directory of an analysis as a cache of its stages: each stage's product lives in a
 * subdirectory with a {@value #MANIFEST} naming the stage's key, a hash of its settings and of the
 * keys of the stages it reads (so a changed setting changes the key of its stage and of every stage
 * after it), its compute time and its provenance. A rerun loads every stage whose key matches and
 * recomputes from the first that does not. The manifest is written last, so an interrupted stage is
 * recomputed; a product that no longer loads is recomputed with a message saying why.
 */
public final class StageCache {

  /** The manifest of a stage's subdirectory. */
  public static final String MANIFEST = "stage.json";

  private static final Gson GSON = Json.gson();

  /**
   * What a stage's manifest holds.
   *
   * @param stage the stage's name
   * @param key its key
   * @param seconds the wall time of its computation
   * @param provenance where it was computed
   */
  public record Manifest(String stage, String key, double seconds, Provenance provenance) {}

  /** Computes a stage's product. */
  @FunctionalInterface
  public interface Producer<T> {
    /** The product. */
    T produce() throws IOException;
  }

  /** Writes a product into a directory. */
  @FunctionalInterface
  public interface Saver<T> {
    /** Writes {@code value} into {@code directory}. */
    void save(T value, Path directory) throws IOException;
  }

  /** Reads a product from a directory. */
  @FunctionalInterface
  public interface Loader<T> {
    /** The product saved in {@code directory}. */
    T load(Path directory) throws IOException;
  }

  /**
   * A stage's product.
   *
   * @param value the product
   * @param seconds the wall time of its computation (when cached: of the run that computed it)
   * @param cached whether it was loaded instead of computed
   */
  public record Stage<T>(T value, double seconds, boolean cached) {}

  private final Path root;
  private final PrintStream out;

  /**
   * @param root the output directory, or null to compute every stage and save nothing
   * @param out where the cache says what it reuses
   */
  public StageCache(Path root, PrintStream out) {
    this.root = root;
    this.out = out;
  }

  /** The directory of a stage's product, or null without an output directory. */
  public Path directory(String stage) {
    return root == null ? null : root.resolve(stage);
  }

  /**
   * The key of settings: the SHA-256 of the JSON of each part in order (records, arrays, numbers,
   * strings and the keys of earlier stages).
   */
  public static String key(Object... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Object part : parts) {
        sha.update(GSON.toJson(part).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /**
   * Whether the output directory holds a finished product of the stage with this key (one that
   * {@link #stage} would load, unless it no longer loads).
   */
  public boolean has(String name, String key) {
    Path dir = directory(name);
    if (dir == null || !Files.exists(dir.resolve(MANIFEST))) {
      return false;
    }
    try {
      return key.equals(manifest(dir).key());
    } catch (IOException e) {
      return false;
    }
  }

  private static Manifest manifest(Path dir) throws IOException {
    return Json.read(dir.resolve(MANIFEST), Manifest.class, "stage manifest", x -> x.key() != null);
  }

  /**
   * A stage's product: loaded when its directory holds a product of the same key, else produced,
   * saved and its manifest written.
   */
  public <T> Stage<T> stage(
      String name, String key, Producer<T> producer, Saver<T> saver, Loader<T> loader) {
    Path dir = directory(name);
    try {
      if (dir != null && Files.exists(dir.resolve(MANIFEST))) {
        Manifest m = manifest(dir);
        if (m.key().equals(key)) {
          try {
            T value = loader.load(dir);
            out.printf(
                Locale.ROOT,
                "      %s: reused from %s (computed in %.1f s)%n",
                name,
                dir,
                m.seconds());
            return new Stage<>(value, m.seconds(), true);
          } catch (IOException | RuntimeException e) {
            out.printf("      %s: the saved product does not load (%s); recomputing%n", name, e);
          }
        } else {
          out.printf("      %s: settings changed since %s was written; recomputing%n", name, dir);
        }
      }
      long start = System.nanoTime();
      T value = producer.produce();
      double seconds = (System.nanoTime() - start) / 1e9;
      if (dir != null) {
        Directories.deleteRecursively(dir);
        saver.save(value, dir);
        Json.write(
            dir.resolve(MANIFEST),
            new Manifest(name, key, seconds, Provenance.current(EngineInfo.current().toString())));
      }
      return new Stage<>(value, seconds, false);
    } catch (IOException e) {
      throw new UncheckedIOException("stage " + name + " in " + dir + ": " + e.getMessage(), e);
    }
  }
}
