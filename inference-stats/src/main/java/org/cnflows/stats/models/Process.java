package org.cnflows.stats.models;

import java.util.List;

/**
 * One process of a binned model: its templates and the parameters that multiply its yield (e.g. mu
 * for the signal, a background scale for a background).
 *
 * @param name the process name
 * @param templates the expected counts per bin as a function of the nuisances
 * @param normFactors names of the parameters whose product scales the yield
 */
public record Process(String name, TemplateGrid templates, List<String> normFactors) {

  /** Copies the list. */
  public Process {
    normFactors = List.copyOf(normFactors);
  }
}
