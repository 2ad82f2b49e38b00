package org.cnflows.higgsml;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cnflows.common.DataFingerprint;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.ModelDirectory;
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

  /** The model type of a saved preprocessor ({@link ModelDirectory}). */
  public static final String TYPE = "higgsml-preprocessor";

  /** One category of a saved preprocessor: its features and their fitted map. */
  record Category(JetCategory category, List<String> features, Standardization standardization) {}

  /** The configuration of a saved preprocessor. */
  record Saved(List<Category> categories) {}

  private final Map<JetCategory, Standardization> scales;
  private final DataFingerprint fittedOn;

  private Preprocessor(Map<JetCategory, Standardization> scales, DataFingerprint fittedOn) {
    this.scales = scales;
    this.fittedOn = fittedOn;
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
      float[] values = logTransformed(train, cat, rows);
      requireFinite(train, cat, rows, values);
      try {
        scales.put(
            cat, Standardization.fitSkipping(Columns.MISSING, cat.features().size(), values));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "jet category " + cat + " (features " + cat.features() + "): " + e.getMessage(), e);
      }
    }
    List<float[]> columns = new ArrayList<>();
    Columns.FEATURES.forEach(f -> columns.add(train.column(f)));
    return new Preprocessor(scales, DataFingerprint.ofColumns(Columns.FEATURES, columns));
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
    for (int k = 0; k < rows.length; k++) {
      weights[k] = events.weights()[rows[k]];
      labels[k] = events.process(rows[k]).isSignal() ? 1 : 0;
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

  /** The fingerprint of the 28 features of the events the preprocessor was fitted on. */
  public DataFingerprint fittedOn() {
    return fittedOn;
  }

  /**
   * Writes the fitted parameters in the one saved-model format ({@link ModelDirectory}, type
   * {@value #TYPE}): per category its features and their mean and sd, with the fingerprint of the
   * training events.
   *
   * @throws IOException if the directory cannot be written
   */
  public void save(Path directory) throws IOException {
    List<Category> categories = new ArrayList<>();
    scales.forEach((cat, scale) -> categories.add(new Category(cat, cat.features(), scale)));
    ModelDirectory.write(
        directory,
        TYPE,
        new Saved(categories),
        new ModelDirectory.Record(0, null, List.of(fittedOn), "none"));
  }

  /**
   * Reads parameters written by {@link #save}.
   *
   * @throws IOException if the directory has no manifest or it cannot be read
   * @throws IllegalArgumentException naming the directory and category if a category is missing,
   *     lists other features than this version of the adapter, or has an invalid map
   */
  public static Preprocessor load(Path directory) throws IOException {
    ModelDirectory.Loaded<Saved> loaded = ModelDirectory.read(directory, TYPE, Saved.class);
    Map<JetCategory, Standardization> scales = new EnumMap<>(JetCategory.class);
    List<Category> saved = loaded.config().categories();
    for (Category c : saved == null ? List.<Category>of() : saved) {
      if (c.category() == null || c.standardization() == null) {
        throw new IllegalArgumentException(directory + ": a category entry is incomplete");
      }
      if (!c.category().features().equals(c.features())) {
        throw new IllegalArgumentException(
            directory
                + ", category "
                + c.category()
                + ": saved features "
                + c.features()
                + " differ from "
                + c.category().features());
      }
      scales.put(c.category(), c.standardization());
    }
    for (JetCategory cat : JetCategory.values()) {
      if (!scales.containsKey(cat)) {
        throw new IllegalArgumentException(directory + ": no parameters for category " + cat);
      }
    }
    List<DataFingerprint> data = loaded.manifest().data();
    return new Preprocessor(scales, data == null || data.isEmpty() ? null : data.get(0));
  }

  private static int index(JetCategory cat, String feature) {
    int d = cat.features().indexOf(feature);
    if (d < 0) {
      throw new IllegalArgumentException("feature " + feature + " is not used in category " + cat);
    }
    return d;
  }

  /** The category's features of the given rows, row-major, log(1 + F) applied, -25 kept. */
  /**
   * Requires every value to fit to be finite, naming the feature, the table row, the value in the
   * table and, for a log feature, its log(1 + F) (NaN below -1).
   */
  private static void requireFinite(EventTable train, JetCategory cat, int[] rows, float[] values) {
    int d = cat.features().size();
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        String f = cat.features().get(i % d);
        int row = rows[i / d];
        float raw = train.column(f)[row];
        throw new IllegalArgumentException(
            "jet category "
                + cat
                + ": feature "
                + f
                + " at table row "
                + row
                + " is "
                + raw
                + (LOG_FEATURES.contains(f) && Float.isFinite(raw)
                    ? ", whose log(1 + F) = " + values[i] + ","
                    : ",")
                + " not a finite value to fit");
      }
    }
  }

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
