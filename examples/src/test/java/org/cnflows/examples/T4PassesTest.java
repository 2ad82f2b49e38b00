package org.cnflows.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Steps 1 and 2's lines on their passes over the data: the count, and a warning with the steps that
 * would stay under the limit once the full-scale step counts meet a small data set.
 */
class T4PassesTest {

  @Test
  void stepTwoSaysHowOftenItSeesEachEventAndWarnsWhenItWouldLearnTheData() {
    // the full-scale defaults: 6,000 steps of 1024 / 9 = 113 events
    assertThat(T4Study.profilePasses(6000, 1024, 100_000))
        .isEqualTo("step 2: 6000 steps of 113 events, 6.8 passes over the 100000 data events");
    assertThat(T4Study.profilePasses(6000, 1024, 10_000)).doesNotContain("warning");
    String small = T4Study.profilePasses(6000, 1024, 2000);
    assertThat(small)
        .startsWith("step 2: 6000 steps of 113 events, 339.0 passes over the 2000 data events")
        .contains("warning: over 100 passes", "about 1769 here");
  }

  @Test
  void stepOneSaysHowOftenItSeesEachEventAndWarnsWhenItWouldLearnTheData() {
    // the full-scale defaults: 300 warm-up and 1,200 joint steps of 1024 events
    assertThat(T4Study.doiPasses(300, 1200, 1024, 100_000))
        .isEqualTo(
            "step 1: 300 + 1200 steps of 1024 events, 15.4 passes over the 100000 data events");
    assertThat(T4Study.doiPasses(300, 1200, 1024, 10_000)).doesNotContain("warning");
    String small = T4Study.doiPasses(300, 1200, 1024, 2000);
    assertThat(small)
        .startsWith("step 1: 300 + 1200 steps of 1024 events, 768.0 passes over the 2000 data")
        .contains("warning: over 300 passes", "about 117 and 468 here");
  }
}
