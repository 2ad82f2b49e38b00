package org.cnflows.common;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What a model was fitted on, without the data: the number of rows, the column names and a SHA-256
 * of every value (features, context, weights, labels, categories, in that order, little-endian), so
 * that a saved model can be matched with its training data and two runs on different data told
 * apart.
 *
 * @param rows N
 * @param columns the feature (and context) column names
 * @param sha256 the hex digest of the values
 */
public record DataFingerprint(int rows, List<String> columns, String sha256) {

  /** Copies the names. */
  public DataFingerprint {
    columns = List.copyOf(columns);
  }

  /** The fingerprint of a feature matrix. */
  public static DataFingerprint of(FeatureMatrix m) {
    MessageDigest digest = newDigest();
    update(digest, m.x());
    if (m.context() != null) {
      update(digest, m.context());
    }
    if (m.weights() != null) {
      update(digest, m.weights());
    }
    if (m.labels() != null) {
      update(digest, m.labels());
    }
    if (m.categories() != null) {
      update(digest, m.categories());
    }
    List<String> names = new ArrayList<>(m.names());
    names.addAll(m.contextNames());
    return new DataFingerprint(m.size(), names, HexFormat.of().formatHex(digest.digest()));
  }

  /** The fingerprint of named columns of N values each (e.g. an event table's). */
  public static DataFingerprint ofColumns(List<String> names, List<float[]> columns) {
    if (names.size() != columns.size() || columns.isEmpty()) {
      throw new IllegalArgumentException(
          names.size() + " names for " + columns.size() + " columns (need at least one)");
    }
    MessageDigest digest = newDigest();
    int n = columns.get(0).length;
    for (int c = 0; c < columns.size(); c++) {
      if (columns.get(c).length != n) {
        throw new IllegalArgumentException(
            "column " + names.get(c) + " has " + columns.get(c).length + " values, not " + n);
      }
      update(digest, columns.get(c));
    }
    return new DataFingerprint(n, names, HexFormat.of().formatHex(digest.digest()));
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  private static void update(MessageDigest digest, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      if (!b.hasRemaining()) {
        digest.update(b.array(), 0, b.position());
        b.clear();
      }
      b.putFloat(v);
    }
    digest.update(b.array(), 0, b.position());
  }

  private static void update(MessageDigest digest, int[] values) {
    ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      if (!b.hasRemaining()) {
        digest.update(b.array(), 0, b.position());
        b.clear();
      }
      b.putInt(v);
    }
    digest.update(b.array(), 0, b.position());
  }
}
