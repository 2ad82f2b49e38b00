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

  /** Fitted mean and sd (after the log transform) of one feature in one category. */
  private record Scale(double mean, double sd) {}

  private final Map<JetCategory, Map<String, Scale>> scales;

  private Preprocessor(Map<JetCategory, Map<String, Scale>> scales) {
    this.scales = scales;
  }

  /**
   * Fits means and standard deviations on training events.
   *
   * @throws IllegalArgumentException naming the category with fewer than 2 events or the feature
   *     with zero spread
   */
  public static Preprocessor fit(EventTable train) {
    Map<JetCategory, Map<String, Scale>> scales = new EnumMap<>(JetCategory.class);
    for (JetCategory cat : JetCategory.values()) {
      int[] rows = rows(train, cat);
      if (rows.length < 2) {
        throw new IllegalArgumentException(
            "jet category " + cat + " has " + rows.length + " training events, need >= 2");
      }
      Map<String, Scale> byFeature = new LinkedHashMap<>();
      for (String f : cat.features()) {
        float[] v = train.column(f);
        double sum = 0;
        double sumSq = 0;
        long n = 0;
        for (int r : rows) {
          if (v[r] != Columns.MISSING) {
            double x = forward(f, v[r]);
            sum += x;
            sumSq += x * x;
            n++;
          }
        }
        double mean = sum / n;
        double sd = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
        if (!(sd > 0)) {
          throw new IllegalArgumentException(
              "feature " + f + " has no spread (sd = " + sd + ") in jet category " + cat);
        }
        byFeature.put(f, new Scale(mean, sd));
      }
      scales.put(cat, byFeature);
    }
    return new Preprocessor(scales);
  }

  /** The events of one jet category, log-transformed and standardized. */
  public StandardizedFeatures transform(EventTable events, JetCategory cat) {
    int[] rows = rows(events, cat);
    List<String> features = cat.features();
    int d = features.size();
    float[] out = new float[rows.length * d];
    for (int c = 0; c < d; c++) {
      String f = features.get(c);
      Scale s = scales.get(cat).get(f);
      float[] v = events.column(f);
      for (int k = 0; k < rows.length; k++) {
        float x = v[rows[k]];
        out[k * d + c] = x == Columns.MISSING ? 0f : (float) ((forward(f, x) - s.mean) / s.sd);
      }
    }
    return new StandardizedFeatures(cat, features, rows, out);
  }

  /** The fitted mean of a feature (after the log transform) in a category. */
  public double mean(JetCategory cat, String feature) {
    return scale(cat, feature).mean;
  }

  /** The fitted standard deviation of a feature (after the log transform) in a category. */
  public double sd(JetCategory cat, String feature) {
    return scale(cat, feature).sd;
  }

  /** Writes the fitted parameters as text, one line per category and feature. */
  public void save(Path file) {
    List<String> lines = new ArrayList<>();
    lines.add(HEADER);
    scales.forEach(
        (cat, byFeature) ->
            byFeature.forEach(
                (f, s) ->
                    lines.add(
                        String.format(Locale.ROOT, "%s %s %.17g %.17g", cat, f, s.mean, s.sd))));
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
    Map<JetCategory, Map<String, Scale>> scales = new EnumMap<>(JetCategory.class);
    for (int i = 1; i < lines.size(); i++) {
      String[] parts = lines.get(i).trim().split(" ");
      try {
        JetCategory cat = JetCategory.valueOf(parts[0]);
        if (!cat.features().contains(parts[1])) {
          throw new IllegalArgumentException("feature " + parts[1] + " not in category " + cat);
        }
        scales
            .computeIfAbsent(cat, c -> new LinkedHashMap<>())
            .put(parts[1], new Scale(Double.parseDouble(parts[2]), Double.parseDouble(parts[3])));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            file + " line " + (i + 1) + ": malformed: " + lines.get(i), e);
      }
    }
    for (JetCategory cat : JetCategory.values()) {
      if (!scales.containsKey(cat) || scales.get(cat).size() != cat.features().size()) {
        throw new IllegalArgumentException(file + ": incomplete parameters for category " + cat);
      }
    }
    return new Preprocessor(scales);
  }

  private Scale scale(JetCategory cat, String feature) {
    Scale s = scales.get(cat).get(feature);
    if (s == null) {
      throw new IllegalArgumentException("feature " + feature + " is not used in category " + cat);
    }
    return s;
  }

  private static double forward(String feature, float x) {
    return LOG_FEATURES.contains(feature) ? Math.log1p(x) : x;
  }

  private static int[] rows(EventTable events, JetCategory cat) {
    float[] nJets = events.column(Columns.PRI_N_JETS);
    int[] rows = new int[events.size()];
    int n = 0;
    for (int i = 0; i < rows.length; i++) {
      if (JetCategory.of(nJets[i]) == cat) {
        rows[n++] = i;
      }
    }
    return Arrays.copyOf(rows, n);
  }
}
