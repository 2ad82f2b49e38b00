package org.cnflows.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.cnflows.stats.toys.ToyT4;
import org.junit.jupiter.api.Test;

/**
 * {@code t4 toys} at reduced scale (the CI settings of {@link T4StudyTest}, two toys): each toy is
 * a new data set at the reference nu, every fit of it lands in the pull table as (estimate -
 * injected) / error, and the summary's means, spreads and counts are those of the toys' own fits.
 * The pull distributions over 20 toys at 2,000 events are in flows-profiling/MEASUREMENTS.md; two
 * toys test the machinery, not the calibration.
 */
class T4ToysTest {

  @Test
  void eachToyIsANewDataSetAndThePullsAreItsFitsAgainstTheInjectedNu() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    T4Study.Toys toys =
        T4Study.toys(
            T4StudyTest.CI_SETTINGS,
            2,
            Device.cpu(),
            new PrintStream(printed, true, StandardCharsets.UTF_8));
    List<String> labels = T4Study.Measurement.LABELS;
    assertThat(toys.fits()).hasSize(2);
    assertThat(toys.pulls().length).isEqualTo(labels.size());

    // two data sets, not one twice: their true likelihoods land apart
    assertThat(toys.fits().get(0).truth().nu(0)).isNotEqualTo(toys.fits().get(1).truth().nu(0));

    double[] injected = ToyT4.REFERENCE_NU;
    for (int i = 0; i < labels.size(); i++) {
      for (int k = 0; k < 2; k++) {
        double[] s = toys.summary(i, k);
        if (labels.get(i).equals("flow, joint (step 1)")) {
          // gradient descent gives no error: no pull, and the summary counts no toy
          assertThat(s[7]).as(labels.get(i)).isZero();
          continue;
        }
        double pullSum = 0;
        double nuSum = 0;
        for (int t = 0; t < 2; t++) {
          T4Study.Fit f = toys.fits().get(t).all().get(i);
          double pull = (f.nu(k) - injected[k]) / f.error(k);
          assertThat(toys.pulls()[i][t][k]).as("%s toy %d", labels.get(i), t).isEqualTo(pull);
          pullSum += pull;
          nuSum += f.nu(k);
        }
        assertThat(s[7]).as(labels.get(i)).isEqualTo(2);
        assertThat(s[0]).as(labels.get(i)).isCloseTo(pullSum / 2, within(1e-12));
        assertThat(s[4]).as(labels.get(i)).isCloseTo(nuSum / 2, within(1e-12));
      }
    }

    // the true likelihoods of data drawn at the injected nu: pulls of a few units at most (data at
    // another nu or a sign error in the pull would put them tens of sigma away)
    for (int t = 0; t < 2; t++) {
      for (int k = 0; k < 2; k++) {
        assertThat(Math.abs(toys.pulls()[0][t][k])).isLessThan(4);
        assertThat(Math.abs(toys.pulls()[1][t][k])).isLessThan(4);
      }
      // every toy's step 2 is the profile over the DOI: the x-only errors within a factor 1.6
      T4Study.Measurement m = toys.fits().get(t);
      assertThat(m.amortized().status()).isEqualTo("CONVERGED");
      for (int k = 0; k < 2; k++) {
        assertThat(m.amortized().error(k))
            .isBetween(m.truthX().error(k) / 1.6, 1.6 * m.truthX().error(k));
      }
    }

    ByteArrayOutputStream table = new ByteArrayOutputStream();
    T4Study.printToys(toys, new PrintStream(table, true, StandardCharsets.UTF_8));
    String summary = table.toString(StandardCharsets.UTF_8);
    assertThat(summary)
        .startsWith("pulls over 2 toys")
        .contains("flow, amortized", "2 toys)")
        .doesNotContain("flow, joint (step 1)");
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("toy 1 of 2:", "toy 2 of 2:");
  }
}
