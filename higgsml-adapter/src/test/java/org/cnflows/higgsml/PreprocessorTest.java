package org.cnflows.higgsml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.ModelDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreprocessorTest {
  private static EventTable sample;

  @TempDir Path tmp;

  @BeforeAll
  static void load() {
    sample = TestData.sample2025();
  }

  @Test
  void categoriesSplitByJetMultiplicityWithTheirDefinedFeatures() {
    assertThat(JetCategory.ZERO.features()).hasSize(16).noneMatch(f -> f.contains("jet"));
    assertThat(JetCategory.ONE.features()).hasSize(20).contains(Columns.PRI_JET_LEADING_PT);
    assertThat(JetCategory.TWO_PLUS.features()).isEqualTo(Columns.FEATURES);
    Preprocessor pre = Preprocessor.fit(sample);
    int total = 0;
    for (JetCategory cat : JetCategory.values()) {
      FeatureMatrix sf = pre.transform(sample, cat);
      int[] rows = cat.rows(sample);
      assertThat(rows).hasSize(sf.size());
      for (int r : rows) {
        assertThat(JetCategory.of(sample.column(Columns.PRI_N_JETS)[r])).isEqualTo(cat);
      }
      assertThat(sf.names()).isEqualTo(cat.features());
      assertThat(sf.categories()).containsOnly(cat.ordinal());
      for (int k = 0; k < rows.length; k++) {
        assertThat(sf.weights()[k]).isEqualTo(sample.weights()[rows[k]]);
        assertThat(sf.labels()[k]).isEqualTo(sample.process(rows[k]).isSignal() ? 1 : 0);
      }
      for (String f : cat.features()) {
        for (int r : rows) {
          if (!f.equals(Columns.DER_MET_PHI_CENTRALITY)) {
            assertThat(sample.column(f)[r]).as("%s in %s", f, cat).isNotEqualTo(Columns.MISSING);
          }
        }
      }
      total += sf.size();
    }
    assertThat(total).isEqualTo(sample.size());
    assertThat(pre.transform(sample, JetCategory.ZERO).size()).isEqualTo(514);
  }

  @Test
  void standardizedTrainingFeaturesHaveZeroMeanAndUnitVariance() {
    Preprocessor pre = Preprocessor.fit(sample);
    for (JetCategory cat : JetCategory.values()) {
      FeatureMatrix sf = pre.transform(sample, cat);
      for (int c = 0; c < sf.dim(); c++) {
        double sum = 0;
        double sumSq = 0;
        for (int r = 0; r < sf.size(); r++) {
          float v = sf.x()[r * sf.dim() + c];
          sum += v;
          sumSq += v * v;
        }
        double mean = sum / sf.size();
        String f = sf.names().get(c);
        assertThat(mean).as("%s %s", cat, f).isCloseTo(0, within(1e-5));
        assertThat(sumSq / sf.size() - mean * mean).as("%s %s", cat, f).isCloseTo(1, within(1e-4));
      }
      int met = sf.names().indexOf(Columns.PRI_MET);
      float raw = sample.column(Columns.PRI_MET)[cat.rows(sample)[0]];
      assertThat((double) sf.x()[met])
          .isCloseTo(
              (Math.log1p(raw) - pre.mean(cat, Columns.PRI_MET)) / pre.sd(cat, Columns.PRI_MET),
              within(1e-5));
    }
  }

  @Test
  void loggedFeaturesPeakTowardZeroAndTheLogRemovesMostSkew() {
    for (String f : Preprocessor.LOG_FEATURES) {
      List<Double> v = new ArrayList<>();
      for (float x : sample.column(f)) {
        if (x != Columns.MISSING) {
          v.add((double) x);
        }
      }
      Collections.sort(v);
      double lo = v.get(0);
      double hi = v.get((int) (0.99 * (v.size() - 1)));
      int[] hist = new int[20];
      for (double x : v) {
        int b = (int) ((x - lo) / (hi - lo) * 20);
        if (b < 20) {
          hist[b]++;
        }
      }
      int mode = 0;
      for (int b = 1; b < 20; b++) {
        mode = hist[b] > hist[mode] ? b : mode;
      }
      double skew = skewness(v);
      double logSkew = skewness(v.stream().map(Math::log1p).toList());
      System.out.printf("%s: mode bin %d of 20, skewness %.2f -> %.2f%n", f, mode, skew, logSkew);
      assertThat(mode).as(f).isLessThanOrEqualTo(2);
      assertThat(skew).as(f).isGreaterThan(1);
      assertThat(Math.abs(logSkew)).as(f).isLessThan(skew);
    }
  }

  @Test
  void savedParametersReapplyIdenticallyAndSentinelsMapToZero() throws IOException {
    Preprocessor pre = Preprocessor.fit(sample);
    Path dir = tmp.resolve("pre");
    pre.save(dir);
    Preprocessor back = Preprocessor.load(dir);
    assertThat(back.fittedOn()).isEqualTo(pre.fittedOn());
    assertThat(back.fittedOn().rows()).isEqualTo(sample.size());
    EventTable other = sample.copy();
    other.column(Columns.DER_MET_PHI_CENTRALITY)[0] = Columns.MISSING;
    for (JetCategory cat : JetCategory.values()) {
      assertThat(back.transform(other, cat).x()).isEqualTo(pre.transform(other, cat).x());
    }
    JetCategory cat0 = JetCategory.of(other.column(Columns.PRI_N_JETS)[0]);
    FeatureMatrix sf = back.transform(other, cat0);
    assertThat(cat0.rows(other)[0]).isZero();
    assertThat(sf.x()[sf.names().indexOf(Columns.DER_MET_PHI_CENTRALITY)]).isZero();

    Path manifest = dir.resolve(ModelDirectory.MANIFEST);
    Files.writeString(
        manifest, Files.readString(manifest).replaceFirst("\"PRI_met\"", "\"PRI_nonsense\""));
    assertThatThrownBy(() -> Preprocessor.load(dir))
        .hasMessageContaining("category ZERO")
        .hasMessageContaining("PRI_nonsense");
  }

  @Test
  void tooFewTrainingEventsInACategoryAreRejected() {
    EventTable noJets = sample.filter(mask(sample, 0));
    assertThatThrownBy(() -> Preprocessor.fit(noJets))
        .hasMessageContaining("jet category ONE has 0 training events");
  }

  private static boolean[] mask(EventTable t, int nJets) {
    boolean[] keep = new boolean[t.size()];
    for (int i = 0; i < keep.length; i++) {
      keep[i] = t.column(Columns.PRI_N_JETS)[i] == nJets;
    }
    return keep;
  }

  private static double skewness(List<Double> v) {
    double mean = v.stream().mapToDouble(d -> d).average().orElseThrow();
    double m2 = v.stream().mapToDouble(d -> (d - mean) * (d - mean)).average().orElseThrow();
    double m3 = v.stream().mapToDouble(d -> Math.pow(d - mean, 3)).average().orElseThrow();
    return m3 / Math.pow(m2, 1.5);
  }
}
