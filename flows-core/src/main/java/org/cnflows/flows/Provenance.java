package org.cnflows.flows;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Properties;

/**
 * Where a saved model comes from: library, engine and Java versions, platform, seed and time, so
 * that a result can be traced and reproduced (Tribuo-style provenance).
 *
 * @param library the cnflows version
 * @param djl the DJL version
 * @param engine the engine name and version
 * @param java the Java runtime version
 * @param platform OS and architecture
 * @param seed the seed of the model's initialization
 * @param created when the file was written (ISO-8601)
 */
public record Provenance(
    String library,
    String djl,
    String engine,
    String java,
    String platform,
    long seed,
    String created) {

  /** The provenance of a model built from {@code seed}, now, on this machine. */
  public static Provenance current(long seed) {
    EngineInfo info = EngineInfo.current();
    return new Provenance(
        libraryVersion(),
        info.djlVersion(),
        info.engineName() + " " + info.engineVersion(),
        System.getProperty("java.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        seed,
        Instant.now().toString());
  }

  /** The cnflows version recorded at build time. */
  public static String libraryVersion() {
    try (InputStream in =
        Provenance.class.getResourceAsStream("/org/cnflows/flows/version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
