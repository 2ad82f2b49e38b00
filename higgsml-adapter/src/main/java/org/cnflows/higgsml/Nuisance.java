package org.cnflows.higgsml;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.cnflows.stats.Constraint;
import org.cnflows.stats.Parameter;
import org.cnflows.stats.Parameters;

/**
 * The six nuisance parameters of the HiggsML Uncertainty Challenge with their priors and clip
 * ranges (higgsml.md, "Nuisance parameters", as the official code draws them; arXiv 2410.02867),
 * defined once here as inference-stats {@link Constraint}s: draws and likelihood constraints come
 * from the same prior ({@link #parameter()} hands it to fits).
 *
 * <pre>
 * tes            Normal(1, 0.01)    clipped to [0.9, 1.1]
 * jes            Normal(1, 0.01)    clipped to [0.9, 1.1]
 * soft_met       LogNormal(0, 1)    clipped to [0, 5]   (the CNF paper's Table 3 writes Normal(0, 1))
 * ttbar_scale    Normal(1, 0.02)    clipped to [0.8, 1.2]
 * diboson_scale  Normal(1, 0.25)    clipped to [0, 2]
 * bkg_scale      Normal(1, 0.001)   clipped to [0.99, 1.01]
 * </pre>
 *
 * soft_met is the width in GeV of a Gaussian noise added to MET; its nominal value 0 (no noise)
 * lies where the log-normal density vanishes. Its constraint holds the density below {@link
 * #SOFT_MET_RESOLUTION}, the 1e-3 GeV to which PRI features are rounded ({@link
 * Constraint.LogNormal}), so that -ln pi is finite at the nominal 0 while matching the draws.
 */
public enum Nuisance {
  TES("tes", new Constraint.Gaussian(1.0, 0.01), 0.9, 1.1, 1.0),
  JES("jes", new Constraint.Gaussian(1.0, 0.01), 0.9, 1.1, 1.0),
  SOFT_MET(
      "soft_met", new Constraint.LogNormal(1.0, 1.0, Nuisance.SOFT_MET_RESOLUTION), 0.0, 5.0, 0.0),
  TTBAR_SCALE("ttbar_scale", new Constraint.Gaussian(1.0, 0.02), 0.8, 1.2, 1.0),
  DIBOSON_SCALE("diboson_scale", new Constraint.Gaussian(1.0, 0.25), 0.0, 2.0, 1.0),
  BKG_SCALE("bkg_scale", new Constraint.Gaussian(1.0, 0.001), 0.99, 1.01, 1.0);

  /** The resolution floor of soft_met's log-normal constraint: PRI floats' rounding, in GeV. */
  public static final double SOFT_MET_RESOLUTION = 1e-3;

  private final String label;
  private final Constraint prior;
  private final double min;
  private final double max;
  private final double nominal;

  Nuisance(String label, Constraint prior, double min, double max, double nominal) {
    this.label = label;
    this.prior = prior;
    this.min = min;
    this.max = max;
    this.nominal = nominal;
  }

  /** The challenge's name of the parameter. */
  public String label() {
    return label;
  }

  /** The prior the challenge draws from (before clipping), as a likelihood constraint. */
  public Constraint constraint() {
    return prior;
  }

  /** Lower end of the clip range. */
  public double min() {
    return min;
  }

  /** Upper end of the clip range. */
  public double max() {
    return max;
  }

  /** The value without distortion: 0 for soft_met, 1 for the scale factors. */
  public double nominal() {
    return nominal;
  }

  /**
   * The parameter of a fit: named {@link #label()}, starting at {@link #nominal()}, bounded by the
   * clip range, floating, constrained by {@link #constraint()}.
   */
  public Parameter parameter() {
    return new Parameter(label, nominal, min, max, false, Optional.of(prior));
  }

  /** The six parameters in the order of {@link #values()}. */
  public static Parameters parameters() {
    return Parameters.of(Arrays.stream(values()).map(Nuisance::parameter).toList());
  }

  /** A draw from the prior, clipped to the range. */
  public double draw(RandomGenerator rng) {
    return Math.min(max, Math.max(min, prior.sample(rng)));
  }

  /**
   * Checks that a value lies in the clip range.
   *
   * @return the value
   * @throws IllegalArgumentException naming the parameter and value ("tes = 1.7 outside its range
   *     [0.9, 1.1]")
   */
  public double check(double value) {
    if (!(value >= min && value <= max)) {
      throw new IllegalArgumentException(
          String.format(Locale.ROOT, "%s = %s outside its range [%s, %s]", label, value, min, max));
    }
    return value;
  }
}
