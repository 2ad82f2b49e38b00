package org.cnflows.higgsml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.Standardization;

/**
 * Preprocessing of the CNF paper (Sec. 6.2 step 1): events split by jet multiplicity ({@link
 * JetCategory}); {@code F -> log(1 + F)} for the features whose marginal peaks toward zero ({@link
 * #LOG_FEATURES}; {@code 1 +} because exact zeros occur, e.g. the transverse mass); then each
 * feature standardized, {@code (F - mean) / sd}, with mean and sd fitted per category on training
 * events (unweighted) and saved with {@link #save} for reuse on other data.
 *
 * <p>Sentinel policy: features undefined in a category (the -25 jet quantities) are not part of
 * that category's feature list. A -25 that still occurs in a kept feature (DER_met_phi_centrality
 * when its denominator stays zero) is excluded from the fit and mapped to the fitted mean, i.e. 0
 * after standardization.
 */
public final class Preprocessor {
  /**
   * Features transformed by {@code log(1 + F)}: the momenta and masses whose marginal is
   * right-skewed with its mode at the low edge of the range (checked on the real 2025 sample).
   */
  public static final Set<String> LOG_FEATURES =
      Set.of(
          Columns.PRI_LEP_PT,
          Columns.PRI_HAD_PT,
          Columns.PRI_JET_LEADING_PT,
          Columns.PRI_JET_SUBLEADING_PT,
          Columns.PRI_JET_ALL_PT,
          Columns.PRI_MET,
          Columns.DER_MASS_TRANSVERSE_MET_LEP,
          Columns.DER_PT_H,
          Columns.DER_MASS_JET_JET,
          Columns.DER_PT_TOT,
          Columns.DER_SUM_PT);

  private static final String HEADER = "# cnflows higgsml preprocessor: category feature mean sd";

  private final Map<JetCategory, Standardization> scales;

  private Preprocessor(Map<JetCategory, Standardization> scales) {
    this.scales = scales;
  }

  /**
   * Fits means and standard deviations on training events, per category, with the one {@link
   * Standardization} of cnflows (two passes, -25 sentinels left out).
   *
   * @throws IllegalArgumentException naming the category with fewer than 2 events, or the feature
   *     with zero spread or a value that is not finite (with its row in the category)
   */
  public static Preprocessor fit(EventTable train) {
    Map<JetCategory, Standardization> scales = new EnumMap<>(JetCategory.class);
    for (JetCategory cat : JetCategory.values()) {
      int[] rows = cat.rows(train);
      if (rows.length < 2) {
        throw new IllegalArgumentException(
            "jet category " + cat + " has " + rows.length + " training events, need >= 2");
      }
      try {
        scales.put(
            cat,
            Standardization.fitSkipping(
                Columns.MISSING, cat.features().size(), logTransformed(train, cat, rows)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "jet category " + cat + " (features " + cat.features() + "): " + e.getMessage(), e);
      }
    }
    return new Preprocessor(scales);
  }

  /**
   * The events of one jet category, log-transformed and standardized, as the hand-off to flows and
   * classifiers: named features, the events' weights, labels (1 = signal) and the category's
   * ordinal as every row's category. Row k is event {@code cat.rows(events)[k]} of the table.
   */
  public FeatureMatrix transform(EventTable events, JetCategory cat) {
    int[] rows = cat.rows(events);
    if (rows.length == 0) {
      throw new IllegalArgumentException(
          "no event of jet category " + cat + " among " + events.size());
    }
    float[] t = logTransformed(events, cat, rows);
    float[] out = scales.get(cat).apply(t);
    for (int i = 0; i < t.length; i++) {
      if (t[i] == Columns.MISSING) {
        out[i] = 0f;
      }
    }
    float[] weights = new float[rows.length];
    int[] labels = new int[rows.length];
    int[] all = events.labels();
    for (int k = 0; k < rows.length; k++) {
      weights[k] = events.weights()[rows[k]];
      labels[k] = all[rows[k]];
    }
    int[] categories = new int[rows.length];
    Arrays.fill(categories, cat.ordinal());
    return FeatureMatrix.of(out, cat.features())
        .withWeights(weights)
        .withLabels(labels)
        .withCategories(categories);
  }

  /** The fitted per-feature map of a category (after the log transform), in feature order. */
  public Standardization standardization(JetCategory cat) {
    return scales.get(cat);
  }

  /** The fitted mean of a feature (after the log transform) in a category. */
  public double mean(JetCategory cat, String feature) {
    return scales.get(cat).mean()[index(cat, feature)];
  }

  /** The fitted standard deviation of a feature (after the log transform) in a category. */
  public double sd(JetCategory cat, String feature) {
    return scales.get(cat).sd()[index(cat, feature)];
  }

  /** Writes the fitted parameters as text, one line per category and feature. */
  public void save(Path file) {
    List<String> lines = new ArrayList<>();
    lines.add(HEADER);
    scales.forEach(
        (cat, scale) -> {
          List<String> features = cat.features();
          for (int d = 0; d < features.size(); d++) {
            lines.add(
                String.format(
                    Locale.ROOT,
                    "%s %s %.17g %.17g",
                    cat,
                    features.get(d),
                    scale.mean()[d],
                    scale.sd()[d]));
          }
        });
    try {
      Files.write(file, lines);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write preprocessor to " + file, e);
    }
  }

  /**
   * Reads parameters written by {@link #save}.
   *
   * @throws IllegalArgumentException naming the file and line if it is malformed or incomplete
   */
  public static Preprocessor load(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read preprocessor from " + file, e);
    }
    if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
      throw new IllegalArgumentException(file + ": not a saved preprocessor (header missing)");
    }
    Map<JetCategory, Map<String, double[]>> read = new EnumMap<>(JetCategory.class);
    for (int i = 1; i < lines.size(); i++) {
      String[] parts = lines.get(i).trim().split(" ");
      try {
        JetCategory cat = JetCategory.valueOf(parts[0]);
        if (!cat.features().contains(parts[1])) {
          throw new IllegalArgumentException("feature " + parts[1] + " not in category " + cat);
        }
        read.computeIfAbsent(cat, c -> new LinkedHashMap<>())
            .put(
                parts[1],
                new double[] {Double.parseDouble(parts[2]), Double.parseDouble(parts[3])});
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            file + " line " + (i + 1) + ": malformed: " + lines.get(i), e);
      }
    }
    Map<JetCategory, Standardization> scales = new EnumMap<>(JetCategory.class);
    for (JetCategory cat : JetCategory.values()) {
      Map<String, double[]> byFeature = read.get(cat);
      if (byFeature == null || byFeature.size() != cat.features().size()) {
        throw new IllegalArgumentException(file + ": incomplete parameters for category " + cat);
      }
      int d = cat.features().size();
      double[] mean = new double[d];
      double[] sd = new double[d];
      for (int k = 0; k < d; k++) {
        double[] v = byFeature.get(cat.features().get(k));
        mean[k] = v[0];
        sd[k] = v[1];
      }
      try {
        scales.put(cat, new Standardization(mean, sd));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ", category " + cat + ": " + e.getMessage(), e);
      }
    }
    return new Preprocessor(scales);
  }

  private static int index(JetCategory cat, String feature) {
    int d = cat.features().indexOf(feature);
    if (d < 0) {
      throw new IllegalArgumentException("feature " + feature + " is not used in category " + cat);
    }
    return d;
  }

  /** The category's features of the given rows, row-major, log(1 + F) applied, -25 kept. */
  private static float[] logTransformed(EventTable events, JetCategory cat, int[] rows) {
    List<String> features = cat.features();
    int d = features.size();
    float[] out = new float[rows.length * d];
    for (int c = 0; c < d; c++) {
      String f = features.get(c);
      boolean log = LOG_FEATURES.contains(f);
      float[] v = events.column(f);
      for (int k = 0; k < rows.length; k++) {
        float x = v[rows[k]];
        out[k * d + c] = x == Columns.MISSING || !log ? x : (float) Math.log1p(x);
      }
    }
    return out;
  }
}
