package org.cnflows.higgsml.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.NuisanceParameters;
import org.cnflows.higgsml.PhysicsProcess;
import org.cnflows.higgsml.PseudoExperiment;
import org.cnflows.higgsml.SyntheticGenerator;
import org.cnflows.higgsml.Systematics;
import org.cnflows.higgsml.SystematicsResult;
import org.cnflows.higgsml.internal.Poisson;

/**
 * Pseudo-experiments drawn straight from the synthetic generator: the challenge's construction (per
 * process a Poisson number of events around its yield x norm(mu, nu), then the systematics,
 * soft_met included) on an infinite pool. A finite pool resampled with Poisson multiplicities
 * ({@link org.cnflows.higgsml.PseudoExperiments}) repeats each pool event about weight times; when
 * the weights are not small against 1 its empirical distribution differs from the templates' by as
 * much as the data's own Poisson noise, the same for every pseudo-experiment of the pool, which
 * biases mu-hat and breaks the coverage of a belt that cannot know it. Fresh events per experiment
 * have no such shared error.
 */
public final class SyntheticExperiments {

  private final double luminosity;

  /**
   * @param luminosity fb^-1 of every experiment
   * @throws IllegalArgumentException if the luminosity is not finite and &gt; 0
   */
  public SyntheticExperiments(double luminosity) {
    if (!(luminosity > 0) || Double.isInfinite(luminosity)) {
      throw new IllegalArgumentException("luminosity = " + luminosity + " fb^-1 must be > 0");
    }
    this.luminosity = luminosity;
  }

  /** One pseudo-experiment: unweighted events (every weight 1) after systematics. */
  public PseudoExperiment generate(double mu, NuisanceParameters nu, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Map<PhysicsProcess, Integer> generated = new EnumMap<>(PhysicsProcess.class);
    for (PhysicsProcess p : PhysicsProcess.CHALLENGE) {
      double expected =
          SyntheticGenerator.YIELDS_10FB.get(p) * luminosity / 10 * nu.weightNorm(p, mu);
      generated.put(p, Poisson.sample(rng, expected));
    }
    EventTable events = generateExactly(generated, rng.nextLong());
    SystematicsResult result = Systematics.applyInPlace(events, nu, rng);
    Arrays.fill(result.events().weights(), 1f);
    generated.values().removeIf(n -> n == 0);
    return new PseudoExperiment(mu, nu, seed, generated, result.events(), result.postSelection());
  }

  /**
   * The generator's events in the given counts; a process drawn zero times is generated once (the
   * generator takes at least one event per process) and dropped.
   */
  static EventTable generateExactly(Map<PhysicsProcess, Integer> counts, long seed) {
    int[] n = new int[PhysicsProcess.values().length];
    counts.forEach((p, k) -> n[p.ordinal()] = Math.max(1, k));
    EventTable all =
        SyntheticGenerator.generate(
            new SyntheticGenerator.Config(
                seed,
                n[PhysicsProcess.HTAUTAU.ordinal()],
                n[PhysicsProcess.ZTAUTAU.ordinal()],
                n[PhysicsProcess.TTBAR.ordinal()],
                n[PhysicsProcess.DIBOSON.ordinal()]));
    if (counts.values().stream().allMatch(k -> k > 0)) {
      return all;
    }
    List<Integer> keep = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if (counts.get(all.process(i)) > 0) {
        keep.add(i);
      }
    }
    return all.select(keep.stream().mapToInt(Integer::intValue).toArray());
  }
}
