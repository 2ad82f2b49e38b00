package org.cnflows.higgsml;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * The six nuisance parameters of the HiggsML Uncertainty Challenge with their priors and clip
 * ranges (higgsml.md, "Nuisance parameters", as the official code draws them; arXiv 2410.02867):
 *
 * <pre>
 * tes            Normal(1, 0.01)    clipped to [0.9, 1.1]
 * jes            Normal(1, 0.01)    clipped to [0.9, 1.1]
 * soft_met       LogNormal(0, 1)    clipped to [0, 5]   (the CNF paper's Table 3 writes Normal(0, 1))
 * ttbar_scale    Normal(1, 0.02)    clipped to [0.8, 1.2]
 * diboson_scale  Normal(1, 0.25)    clipped to [0, 2]
 * bkg_scale      Normal(1, 0.001)   clipped to [0.99, 1.01]
 * </pre>
 */
public enum Nuisance {
  TES("tes", 1.0, 0.01, 0.9, 1.1, false),
  JES("jes", 1.0, 0.01, 0.9, 1.1, false),
  SOFT_MET("soft_met", 0.0, 1.0, 0.0, 5.0, true),
  TTBAR_SCALE("ttbar_scale", 1.0, 0.02, 0.8, 1.2, false),
  DIBOSON_SCALE("diboson_scale", 1.0, 0.25, 0.0, 2.0, false),
  BKG_SCALE("bkg_scale", 1.0, 0.001, 0.99, 1.01, false);

  private final String label;
  private final double mean;
  private final double width;
  private final double min;
  private final double max;
  private final boolean logNormal;

  Nuisance(String label, double mean, double width, double min, double max, boolean logNormal) {
    this.label = label;
    this.mean = mean;
    this.width = width;
    this.min = min;
    this.max = max;
    this.logNormal = logNormal;
  }

  /** The challenge's name of the parameter. */
  public String label() {
    return label;
  }

  /** Mean of the prior's Gaussian (of the logarithm, for soft_met). */
  public double mean() {
    return mean;
  }

  /** Width of the prior's Gaussian (of the logarithm, for soft_met). */
  public double width() {
    return width;
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
    return logNormal ? 0.0 : 1.0;
  }

  /** A draw from the prior, clipped to the range. */
  public double draw(RandomGenerator rng) {
    double g = mean + width * rng.nextGaussian();
    double v = logNormal ? Math.exp(g) : g;
    return Math.min(max, Math.max(min, v));
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
