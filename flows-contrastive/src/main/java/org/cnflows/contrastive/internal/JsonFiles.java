package org.cnflows.contrastive.internal;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import org.cnflows.flows.internal.SealedJson;

/** The JSON configuration files of saved CNF sets and classifiers. */
public final class JsonFiles {

  private static final Gson GSON = SealedJson.gson();

  private JsonFiles() {}

  /** Writes a value as pretty-printed JSON, replacing the file. */
  public static void write(Path file, Object value) throws IOException {
    Files.writeString(file, GSON.toJson(value), StandardCharsets.UTF_8);
  }

  /**
   * Reads a value written by {@link #write}.
   *
   * @param file the JSON file
   * @param type the record type
   * @param what what the file holds, for messages
   * @param complete whether a parsed value has every required field
   * @throws IOException if the file is missing or unreadable
   * @throws IllegalArgumentException if the file is not valid JSON of that type, or incomplete
   */
  public static <T> T read(Path file, Class<T> type, String what, Predicate<T> complete)
      throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    T value;
    try {
      value = GSON.fromJson(text, type);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(
          file + " is not a valid " + what + ": " + e.getMessage(), e);
    }
    if (value == null || !complete.test(value)) {
      throw new IllegalArgumentException(file + " holds no " + what);
    }
    return value;
  }
}
