package org.cnflows.stats.toys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.cnflows.stats.coverage.CoverageReport;
import org.cnflows.stats.coverage.CoverageStudy;
import org.cnflows.stats.intervals.Interval;
import org.cnflows.stats.intervals.MixtureGridProfile;
import org.cnflows.stats.models.LogDensities;
import org.junit.jupiter.api.Test;

class ToyT3Test {

  /** The z grid of the reference measurement: 61 points on [0.1 pi, 0.4 pi]. */
  static final double[] Z_GRID = new double[61];

  static {
    for (int k = 0; k < Z_GRID.length; k++) {
      Z_GRID[k] = Math.PI * (0.1 + 0.3 * k / 60);
    }
  }

  static MixtureGridProfile profile(ToyT3 toy, double[][] events) {
    LogDensities[] d = new LogDensities[Z_GRID.length];
    for (int k = 0; k < Z_GRID.length; k++) {
      d[k] = toy.logDensities(events, Z_GRID[k]);
    }
    return new MixtureGridProfile(Z_GRID, d);
  }

  /** The mu and z outcomes of the same datasets. */
  record Outcomes(List<CoverageStudy.Outcome> mu, List<CoverageStudy.Outcome> z) {}

  /**
   * 1008 datasets of 1000 events over the 9-point (mu, z) grid; 68.3% intervals Delta < 0.5 of mu
   * and of z on each dataset.
   */
  static Outcomes outcomes(ToyT3 toy, long seed) {
    int trials = 1008;
    CoverageStudy.Outcome[] z = new CoverageStudy.Outcome[trials];
    List<CoverageStudy.Outcome> mu =
        CoverageStudy.outcomes(
            trials,
            seed,
            (i, rng) -> {
              double trueMu = ToyT3.MU_TEST[i % 3];
              double trueZ = ToyT3.Z_TEST[(i / 3) % 3];
              MixtureGridProfile p = profile(toy, toy.generate(1000, trueMu, trueZ, rng));
              Interval iz = p.zInterval(0.5, 0, 0.5);
              z[i] = new CoverageStudy.Outcome(trueZ, iz.estimate(), iz);
              Interval iv = p.muInterval(0.5, 0, 0.5);
              return new CoverageStudy.Outcome(trueMu, iv.estimate(), iv);
            });
    return new Outcomes(mu, List.of(z));
  }

  /**
   * The width as the numpy reference reads it: the span of the grid points mu_j = 0.0025 j inside
   * the interval (the profile region is an interval, so these are the points with Delta NLL &lt;
   * 0.5).
   */
  private static double gridWidth(Interval iv) {
    double step = 0.5 / 200;
    return step * (Math.floor(iv.upper() / step + 1e-9) - Math.ceil(iv.lower() / step - 1e-9));
  }

  /**
   * Coverage within the 2-sigma binomial band of 0.6827, width within 10% of the brief's value, and
   * the grid-read width within 3% of the numpy reference.
   */
  private static void assertCoverage(
      ToyT3 toy, long seed, double referenceWidth, double numpyGridWidth) {
    Outcomes both = outcomes(toy, seed);
    List<CoverageStudy.Outcome> out = both.mu();
    CoverageReport r = CoverageStudy.report(out);
    CoverageReport rz = CoverageStudy.report(both.z());
    double grid = out.stream().mapToDouble(o -> gridWidth(o.interval())).average().orElseThrow();
    System.out.println("T3 r = " + toy.r() + ": mu " + r + ", grid-read width " + grid);
    System.out.println("T3 r = " + toy.r() + ": z " + rz);
    assertThat(grid).isCloseTo(numpyGridWidth, within(0.03 * numpyGridWidth));
    double sigma = Math.sqrt(0.6827 * (1 - 0.6827) / r.trials());
    assertThat(r.coverage()).isBetween(0.6827 - 2 * sigma, 0.6827 + 2 * sigma);
    assertThat(r.meanWidth()).isCloseTo(referenceWidth, within(0.1 * referenceWidth));
    assertThat(rz.coverage()).isBetween(0.6827 - 2 * sigma, 0.6827 + 2 * sigma);
  }

  /**
   * Linear interpolation of the profile between grid points moves an end of a parabolic NLL with
   * half-width sigma by at most h^2 / (8 sigma): 0.002 for the 61-point grid (h = 0.0157) at large
   * distance (sigma ~ 0.016); a 1201-point grid is 400 times closer, so it serves as the truth.
   */
  @Test
  void zIntervalOnTheCoarseGridAgreesWithAFineGrid() {
    ToyT3 toy = ToyT3.LARGE;
    double[][] x = toy.generate(1000, 0.2, ToyT3.Z_TEST[1], new SplittableRandom(8));
    double[] fine = new double[1201];
    LogDensities[] d = new LogDensities[fine.length];
    for (int k = 0; k < fine.length; k++) {
      fine[k] = Math.PI * (0.1 + 0.3 * k / 1200);
      d[k] = toy.logDensities(x, fine[k]);
    }
    Interval exact = new MixtureGridProfile(fine, d).zInterval(0.5, 0, 0.5);
    Interval coarse = profile(toy, x).zInterval(0.5, 0, 0.5);
    double sigma = exact.width() / 2;
    double bound = Math.pow(Math.PI * 0.3 / 60, 2) / (8 * sigma);
    assertThat(coarse.lower()).isCloseTo(exact.lower(), within(bound));
    assertThat(coarse.upper()).isCloseTo(exact.upper(), within(bound));
    assertThat(coarse.estimate()).isCloseTo(exact.estimate(), within(0.1 * sigma));
    assertThat(coarse.lowerAtBound() || coarse.upperAtBound()).isFalse();
  }

  @Test
  void largeDistanceCoverageAndWidthMatchTheReference() {
    assertCoverage(ToyT3.LARGE, 2026, 0.033, 0.0328);
  }

  @Test
  void smallDistanceCoverageAndWidthMatchTheReference() {
    assertCoverage(ToyT3.SMALL, 2027, 0.089, 0.0887);
  }

  @Test
  void densitiesAreTheOppositeUnitGaussians() {
    ToyT3 toy = ToyT3.LARGE;
    double z = 0.3;
    double x0 = 0.4, x1 = -1.2;
    double mx = 2 * Math.cos(z), my = 2 * Math.sin(z);
    double expected =
        -0.5 * ((x0 - mx) * (x0 - mx) + (x1 - my) * (x1 - my)) - Math.log(2 * Math.PI);
    assertThat(toy.signal(z).logDensity(x0, x1)).isCloseTo(expected, within(1e-12));
    // ln p_s - ln p_b = 2 x . m
    double ratio = toy.signal(z).logDensity(x0, x1) - toy.background(z).logDensity(x0, x1);
    assertThat(ratio).isCloseTo(2 * (x0 * mx + x1 * my), within(1e-12));
  }

  @Test
  void generatedSignalCountIsBinomial() {
    double[][] x = ToyT3.LARGE.generate(200000, 0.25, 0.5, new SplittableRandom(3));
    double mean0 = 0;
    for (double[] e : x) {
      mean0 += e[0];
    }
    mean0 /= x.length;
    // E[x0] = (f - (1 - f)) r cos z with f = 0.2
    assertThat(mean0).isCloseTo(-0.6 * 2 * Math.cos(0.5), within(0.01));
  }

  @Test
  void gridProfileIsTheMinimumOverZOfTheExactMixtureNll() {
    ToyT3 toy = ToyT3.SMALL;
    double[][] x = toy.generate(500, 0.2, Z_GRID[30], new SplittableRandom(5));
    MixtureGridProfile p = profile(toy, x);
    double mu = 0.17;
    int k = 12;
    double expected = 0;
    for (double[] e : x) {
      double ps = Math.exp(toy.signal(Z_GRID[k]).logDensity(e[0], e[1]));
      double pb = Math.exp(toy.background(Z_GRID[k]).logDensity(e[0], e[1]));
      expected -= Math.log((mu * ps + pb) / (1 + mu));
    }
    assertThat(p.nll(mu, k)).isCloseTo(expected, within(1e-9));
    Interval iv = p.muInterval(0.5, 0, 0.5);
    double[] grid = new double[2001];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = 0.5 * i / 2000;
    }
    double[][] scan = p.scan(grid);
    double lo = Double.NaN, hi = Double.NaN;
    for (int i = 0; i < grid.length; i++) {
      double min = Double.POSITIVE_INFINITY;
      for (double v : scan[i]) {
        min = Math.min(min, v);
      }
      if (min < 0.5) {
        lo = Double.isNaN(lo) ? grid[i] : lo;
        hi = grid[i];
      }
    }
    assertThat(iv.lower()).isCloseTo(lo, within(0.00026));
    assertThat(iv.upper()).isCloseTo(hi, within(0.00026));
  }
}
