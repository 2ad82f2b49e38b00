package org.cnflows.flows.internal;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gson for configurations made of records under sealed interfaces: each value of a sealed type is
 * written as its record's fields plus {@code "type": SimpleName}, and read back by that name.
 */
public final class SealedJson {

  private SealedJson() {}

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
