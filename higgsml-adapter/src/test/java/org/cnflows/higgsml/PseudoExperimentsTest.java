package org.cnflows.higgsml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PseudoExperimentsTest {
  private static EventTable sample;
  private static EventTable scaled;

  @BeforeAll
  static void load() {
    sample = TestData.sample2025();
    scaled = sample.copy();
    for (int i = 0; i < scaled.size(); i++) {
      scaled.weights()[i] *= 1e-3f;
    }
  }

  @Test
  void meanYieldsPerProcessMatchWeightTimesNormWithinPoissonErrors() {
    double mu = 2.0;
    NuisanceParameters nu = new NuisanceParameters(1, 1, 2.0, 1.1, 1.5, 1.005);
    PseudoExperiments gen = new PseudoExperiments(scaled);
    int seeds = 300;
    // the nominal selection does not depend on MET, so the kept yield is known per event
    boolean[] passes = new boolean[scaled.size()];
    for (int i = 0; i < passes.length; i++) {
      passes[i] =
          Systematics.round3(scaled.column(Columns.PRI_HAD_PT)[i]) >= 26
              && scaled.column(Columns.PRI_LEP_PT)[i] >= 20;
    }
    double[] generated = new double[PhysicsProcess.values().length];
    double[] kept = new double[PhysicsProcess.values().length];
    for (long seed = 0; seed < seeds; seed++) {
      PseudoExperiment pe = gen.generate(mu, nu, seed);
      pe.generated().forEach((p, k) -> generated[p.ordinal()] += k);
      EventTable ev = pe.events();
      for (PhysicsProcess p : PhysicsProcess.CHALLENGE) {
        kept[p.ordinal()] += ev.count(p);
      }
      assertThat(ev.weights()).containsOnly(1f);
    }
    for (PhysicsProcess p : PhysicsProcess.CHALLENGE) {
      double expected = scaled.sumWeights(p) * nu.weightNorm(p, mu);
      double expectedKept = 0;
      for (int i = 0; i < passes.length; i++) {
        if (passes[i] && scaled.process(i) == p) {
          expectedKept += scaled.weights()[i] * nu.weightNorm(p, mu);
        }
      }
      double mean = generated[p.ordinal()] / seeds;
      double meanKept = kept[p.ordinal()] / seeds;
      System.out.printf(
          "%s: mean generated %.3f expected %.3f; mean kept %.3f expected %.3f%n",
          p, mean, expected, meanKept, expectedKept);
      assertThat(mean).as(p.label()).isCloseTo(expected, within(4 * Math.sqrt(expected / seeds)));
      assertThat(meanKept)
          .as(p.label())
          .isCloseTo(expectedKept, within(4 * Math.sqrt(expectedKept / seeds)));
    }
  }

  @Test
  void sameSeedGivesTheSameEventsAndParallelGenerationMatchesSequential() {
    PseudoExperiments gen = new PseudoExperiments(scaled);
    NuisanceParameters nu = NuisanceParameters.drawFromPriors(new SplittableRandom(5));
    PseudoExperiment a = gen.generate(1.3, nu, 77);
    PseudoExperiment b = gen.generate(1.3, nu, 77);
    PseudoExperiment c = gen.generate(1.3, nu, 78);
    assertSameEvents(a.events(), b.events());
    assertThat(a.events().column(Columns.PRI_MET)).isNotEqualTo(c.events().column(Columns.PRI_MET));

    List<PseudoExperiments.Request> requests =
        LongStream.range(0, 6)
            .mapToObj(s -> new PseudoExperiments.Request(0.5 + s, nu, s))
            .toList();
    List<PseudoExperiment> parallel = gen.generateAll(requests, 2);
    for (int k = 0; k < requests.size(); k++) {
      PseudoExperiments.Request r = requests.get(k);
      assertSameEvents(
          parallel.get(k).events(), gen.generate(r.mu(), r.nuisances(), r.seed()).events());
    }
  }

  @Test
  void aFullScaleExperimentFromTheRealSampleHasAboutAMillionEvents() {
    PseudoExperiment pe =
        new PseudoExperiments(sample).generate(1.0, NuisanceParameters.NOMINAL, 1);
    int total = pe.postSelection().input();
    System.out.printf(
        "full-scale pseudo-experiment: %d generated, %s%n", total, pe.postSelection());
    assertThat((double) total).isCloseTo(1_051_433, within(5 * Math.sqrt(1_051_433)));
    assertThat(pe.events().size()).isEqualTo(pe.postSelection().kept());
  }

  private static void assertSameEvents(EventTable x, EventTable y) {
    assertThat(x.size()).isEqualTo(y.size());
    for (String col : Columns.FEATURES) {
      assertThat(x.column(col)).as(col).isEqualTo(y.column(col));
    }
    assertThat(x.processes()).isEqualTo(y.processes());
  }
}
