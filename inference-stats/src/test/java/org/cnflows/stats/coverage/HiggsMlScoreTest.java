package org.cnflows.stats.coverage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HiggsMlScoreTest {

  @Test
  void bandEdgesMatchTheSpecification() {
    assertThat(HiggsMlScore.band(100)).containsExactly(new double[] {0.5896, 0.7758}, within(5e-5));
    assertThat(HiggsMlScore.band(1000))
        .containsExactly(new double[] {0.6533, 0.7121}, within(5e-5));
    assertThat(HiggsMlScore.band(10000))
        .containsExactly(new double[] {0.6734, 0.6920}, within(5e-5));
  }

  @Test
  void handCheckedScores() {
    // inside the band: score = -ln(w + eps)
    assertThat(HiggsMlScore.score(0.68, 0.5, 100, 1e-3)).isCloseTo(-Math.log(0.501), within(1e-12));
    // below: N = 100, sigma68 = sqrt(0.6827 * 0.3173 / 100) = 0.046543, lower = 0.589614
    double s = Math.sqrt(0.6827 * 0.3173 / 100);
    double below = 1 + Math.pow((0.6827 - 2 * s - 0.5) / s, 4);
    assertThat(HiggsMlScore.penalty(0.5, 100)).isCloseTo(below, within(1e-12));
    assertThat(below).isCloseTo(14.744, within(0.001));
    assertThat(HiggsMlScore.score(0.5, 0.5, 100, 1e-3))
        .isCloseTo(-Math.log(0.501 * below), within(1e-12));
    // above: cubic penalty, c = 0.9
    double above = 1 + Math.pow((0.9 - 0.6827 - 2 * s) / s, 3);
    assertThat(HiggsMlScore.penalty(0.9, 100)).isCloseTo(above, within(1e-12));
    assertThat(above).isCloseTo(20.0095, within(0.001));
    // eps is a parameter: the whitepaper's 1e-2
    assertThat(HiggsMlScore.score(0.68, 0.5, 100, 1e-2)).isCloseTo(-Math.log(0.51), within(1e-12));
  }

  @Test
  void pooledAndPerSetScoresCountIntervals() {
    HiggsMlScore.Set a =
        new HiggsMlScore.Set(
            new double[] {1, 1, 1, 1},
            new double[] {0.5, 1.2, 0.8, 0.0},
            new double[] {1.5, 1.6, 1.0, 2.0});
    HiggsMlScore.Set b =
        new HiggsMlScore.Set(new double[] {2, 2}, new double[] {1.9, 2.5}, new double[] {2.1, 3.0});
    assertThat(a.coverage()).isEqualTo(0.75);
    assertThat(a.width()).isCloseTo((1.0 + 0.4 + 0.2 + 2.0) / 4, within(1e-15));
    HiggsMlScore.Set pooled = HiggsMlScore.pool(List.of(a, b));
    assertThat(pooled.coverage()).isCloseTo(4.0 / 6, within(1e-15));
    assertThat(HiggsMlScore.score(pooled, 1e-3))
        .isCloseTo(HiggsMlScore.score(4.0 / 6, pooled.width(), 6, 1e-3), within(1e-15));
  }

  @Test
  void aReversedIntervalCoversNothingAndCountsItsAbsoluteWidth() {
    HiggsMlScore.Set s =
        new HiggsMlScore.Set(new double[] {1, 1}, new double[] {2, 0.5}, new double[] {0, 1.5});
    assertThat(s.coverage()).isEqualTo(0.5);
    assertThat(s.width()).isCloseTo(1.5, within(1e-15));
  }

  @Test
  void bootstrapOfIdenticalSetsHasNoSpread() {
    HiggsMlScore.Set a =
        new HiggsMlScore.Set(
            new double[] {1, 1, 1}, new double[] {0, 0, 2}, new double[] {2, 2, 3});
    HiggsMlScore.Bootstrap bs =
        HiggsMlScore.bootstrap(List.of(a, a, a), 200, 1e-3, new SplittableRandom(1));
    assertThat(bs.mean()).isCloseTo(HiggsMlScore.score(2.0 / 3, 5.0 / 3, 9, 1e-3), within(1e-12));
    assertThat(bs.std()).isCloseTo(0, within(1e-9));
    HiggsMlScore.Set b =
        new HiggsMlScore.Set(
            new double[] {1, 1, 1}, new double[] {0, 0, 0}, new double[] {2, 2, 2});
    HiggsMlScore.Bootstrap mixed =
        HiggsMlScore.bootstrap(List.of(a, b), 1000, 1e-3, new SplittableRandom(1));
    assertThat(mixed.std()).isPositive();
  }

  @Test
  void secondaryScoresByHand() {
    double[] truth = {1, 2};
    double[] est = {1.5, 1.0};
    double[] dmu = {0.5, 0.5};
    // errors 0.5, -1: mean e^2 = 0.625; (0.25 - 0.25)^2 = 0, (1 - 0.25)^2 = 0.5625 -> mean 0.28125
    assertThat(HiggsMlScore.rmseScore(truth, est, dmu))
        .isCloseTo(Math.sqrt(0.90625), within(1e-15));
    // mean |e| = 0.75; | |e| - dmu | = 0, 0.5 -> 0.25
    assertThat(HiggsMlScore.maeScore(truth, est, dmu)).isCloseTo(1.0, within(1e-15));
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> HiggsMlScore.penalty(1.2, 100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("c = 1.2");
    assertThatThrownBy(
            () ->
                new HiggsMlScore.Set(new double[] {Double.NaN}, new double[] {0}, new double[] {1}))
        .hasMessageContaining("truth[0] = NaN");
    assertThatThrownBy(() -> HiggsMlScore.sigma68(0)).hasMessageContaining("N = 0");
  }
}
