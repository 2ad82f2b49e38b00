package org.cnflows.higgsml;

import java.util.Map;

/**
 * One generated test dataset (higgsml.md, "Pseudo-experiment").
 *
 * @param mu the signal strength it was generated with
 * @param nuisances the nuisance parameters it was generated with
 * @param seed the seed that reproduces it
 * @param generated events drawn per process, before the post-selection
 * @param events the unweighted events after systematics and post-selection (every weight 1)
 * @param postSelection what the post-selection did
 */
public record PseudoExperiment(
    double mu,
    NuisanceParameters nuisances,
    long seed,
    Map<PhysicsProcess, Integer> generated,
    EventTable events,
    PostSelection postSelection) {

  /** Copies the generated counts into an unmodifiable map. */
  public PseudoExperiment {
    generated = Map.copyOf(generated);
  }
}
