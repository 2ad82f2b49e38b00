package org.cnflows.higgsml;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One value of each of the six challenge nuisance parameters ({@link Nuisance}), each inside its
 * clip range, and the weight normalizations they imply (higgsml.md, "Pseudo-experiment" step 1; CNF
 * paper Eq. (20)): {@code w' = bkg_scale w} (ztautau and unspecified background), {@code bkg_scale
 * ttbar_scale w} (ttbar), {@code bkg_scale diboson_scale w} (diboson), {@code mu w} (signal).
 *
 * @throws IllegalArgumentException naming the parameter and value if one lies outside its range
 */
public record NuisanceParameters(
    double tes,
    double jes,
    double softMet,
    double ttbarScale,
    double dibosonScale,
    double bkgScale) {

  /** No distortion: tes = jes = 1, soft_met = 0, all scales 1. */
  public static final NuisanceParameters NOMINAL = new NuisanceParameters(1, 1, 0, 1, 1, 1);

  /** Validates every value against its clip range. */
  public NuisanceParameters {
    Nuisance.TES.check(tes);
    Nuisance.JES.check(jes);
    Nuisance.SOFT_MET.check(softMet);
    Nuisance.TTBAR_SCALE.check(ttbarScale);
    Nuisance.DIBOSON_SCALE.check(dibosonScale);
    Nuisance.BKG_SCALE.check(bkgScale);
  }

  /**
   * One draw of all six parameters from their priors, clipped, in the order of {@link Nuisance}.
   */
  public static NuisanceParameters drawFromPriors(RandomGenerator rng) {
    return new NuisanceParameters(
        Nuisance.TES.draw(rng),
        Nuisance.JES.draw(rng),
        Nuisance.SOFT_MET.draw(rng),
        Nuisance.TTBAR_SCALE.draw(rng),
        Nuisance.DIBOSON_SCALE.draw(rng),
        Nuisance.BKG_SCALE.draw(rng));
  }

  /**
   * The values in the order of {@link Nuisance#values()}, the layout of {@link
   * Nuisance#parameters()}.
   */
  public double[] values() {
    return new double[] {tes, jes, softMet, ttbarScale, dibosonScale, bkgScale};
  }

  /**
   * The parameters of a point laid out as {@link Nuisance#parameters()} (e.g. a fit's values).
   *
   * @throws IllegalArgumentException if there are not six values or one lies outside its range
   */
  public static NuisanceParameters of(double[] values) {
    if (values.length != Nuisance.values().length) {
      throw new IllegalArgumentException(
          values.length + " values for the " + Nuisance.values().length + " nuisance parameters");
    }
    return new NuisanceParameters(values[0], values[1], values[2], values[3], values[4], values[5]);
  }

  /** The value of one parameter. */
  public double get(Nuisance n) {
    return switch (n) {
      case TES -> tes;
      case JES -> jes;
      case SOFT_MET -> softMet;
      case TTBAR_SCALE -> ttbarScale;
      case DIBOSON_SCALE -> dibosonScale;
      case BKG_SCALE -> bkgScale;
    };
  }

  /**
   * The nuisances whose product scales the yield of a process (with mu for the signal): bkg_scale
   * for every background, times ttbar_scale for ttbar and diboson_scale for diboson; none for the
   * signal. A binned model's normalization factors follow this list.
   */
  public static List<Nuisance> normalizations(PhysicsProcess process) {
    return switch (process) {
      case HTAUTAU -> List.of();
      case ZTAUTAU, BACKGROUND -> List.of(Nuisance.BKG_SCALE);
      case TTBAR -> List.of(Nuisance.BKG_SCALE, Nuisance.TTBAR_SCALE);
      case DIBOSON -> List.of(Nuisance.BKG_SCALE, Nuisance.DIBOSON_SCALE);
    };
  }

  /**
   * The factor multiplying the weights of a process at signal strength {@code mu}: mu for the
   * signal, times the product of its {@link #normalizations}.
   *
   * @throws IllegalArgumentException if mu is negative or not finite
   */
  public double weightNorm(PhysicsProcess process, double mu) {
    if (!(mu >= 0 && mu < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("mu = " + mu + " must be finite and >= 0");
    }
    double norm = process.isSignal() ? mu : 1;
    for (Nuisance n : normalizations(process)) {
      norm *= get(n);
    }
    return norm;
  }
}
