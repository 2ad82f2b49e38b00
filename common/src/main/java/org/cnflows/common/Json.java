package org.cnflows.common;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The JSON of every saved cnflows model (flows, CNF sets, classifiers): Gson for configurations
 * made of records, where each value of a sealed interface is written as its record's fields plus
 * {@code "type": SimpleName} and read back by that name; non-finite doubles are written as
 * NaN/Infinity.
 */
public final class Json {

  private static final Gson GSON = gson();

  private Json() {}

  /** Writes a value as pretty-printed JSON, replacing the file and creating its directory. */
  public static void write(Path file, Object value) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
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

  /** A pretty-printing Gson that handles sealed interfaces of records. */
  public static Gson gson() {
    return new GsonBuilder()
        .registerTypeAdapterFactory(new Factory())
        .serializeSpecialFloatingPointValues()
        .setPrettyPrinting()
        .disableHtmlEscaping()
        .create();
  }

  private static final class Factory implements TypeAdapterFactory {
    @Override
    public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
      Class<? super T> raw = type.getRawType();
      if (!raw.isInterface() || !raw.isSealed()) {
        return null;
      }
      Map<String, Class<?>> byName = new LinkedHashMap<>();
      for (Class<?> c : leaves(raw)) {
        byName.put(c.getSimpleName(), c);
      }
      return new TypeAdapter<T>() {
        @Override
        public void write(JsonWriter out, T value) throws IOException {
          if (value == null) {
            out.nullValue();
            return;
          }
          @SuppressWarnings("unchecked")
          TypeAdapter<Object> delegate =
              (TypeAdapter<Object>) gson.getAdapter(TypeToken.get(value.getClass()));
          JsonObject object = delegate.toJsonTree(value).getAsJsonObject();
          JsonObject tagged = new JsonObject();
          tagged.addProperty("type", value.getClass().getSimpleName());
          object.entrySet().forEach(e -> tagged.add(e.getKey(), e.getValue()));
          gson.toJson(tagged, out);
        }

        @Override
        public T read(JsonReader in) throws IOException {
          JsonElement tree = gson.getAdapter(JsonElement.class).read(in);
          if (tree == null || tree.isJsonNull()) {
            return null;
          }
          JsonObject object = tree.getAsJsonObject();
          JsonElement tag = object.remove("type");
          Class<?> target = tag == null ? null : byName.get(tag.getAsString());
          if (target == null) {
            throw new JsonParseException(
                raw.getSimpleName() + " of unknown type " + tag + "; known: " + byName.keySet());
          }
          @SuppressWarnings("unchecked")
          T value = (T) gson.getAdapter(target).fromJsonTree(object);
          return value;
        }
      };
    }

    private static List<Class<?>> leaves(Class<?> sealed) {
      List<Class<?>> result = new ArrayList<>();
      for (Class<?> c : sealed.getPermittedSubclasses()) {
        if (c.isInterface() && c.isSealed()) {
          result.addAll(leaves(c));
        } else {
          result.add(c);
        }
      }
      return result;
    }
  }
}
