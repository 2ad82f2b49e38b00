package org.cnflows.common;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Properties;

/**
 * Where a saved model comes from: library, engine and Java versions, platform and time, so that a
 * result can be traced and reproduced (Tribuo-style provenance).
 *
 * @param library the cnflows version
 * @param engine the numerical engine and its versions (e.g. "DJL 0.35.1, PyTorch 2.7.1"), or "none"
 *     for pure-Java models
 * @param java the Java runtime version
 * @param platform OS and architecture
 * @param created when the model was written (ISO-8601)
 */
public record Provenance(
    String library, String engine, String java, String platform, String created) {

  /** The provenance of a model written now, on this machine, with the given engine. */
  public static Provenance current(String engine) {
    return new Provenance(
        libraryVersion(),
        engine,
        System.getProperty("java.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        Instant.now().toString());
  }

  /** The cnflows version recorded at build time. */
  public static String libraryVersion() {
    try (InputStream in =
        Provenance.class.getResourceAsStream("/org/cnflows/common/version.properties")) {
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
