package org.cnflows.higgsml.internal;

import java.util.random.RandomGenerator;

/**
 * A Lorentz four-vector (GeV) with the operations the synthetic generator needs: construction from
 * (pt, rapidity, phi, mass), sums, two-body decays isotropic in the parent's rest frame and boosts.
 */
public record FourVector(double e, double px, double py, double pz) {
  /** A vector of transverse momentum pt, rapidity y, azimuth phi and mass m. */
  public static FourVector ofPtRapidityPhiMass(double pt, double y, double phi, double m) {
    double mt = Math.sqrt(pt * pt + m * m);
    return new FourVector(
        mt * Math.cosh(y), pt * Math.cos(phi), pt * Math.sin(phi), mt * Math.sinh(y));
  }

  /** A massless vector of transverse momentum pt, pseudorapidity eta and azimuth phi. */
  public static FourVector ofPtEtaPhi(double pt, double eta, double phi) {
    return new FourVector(
        pt * Math.cosh(eta), pt * Math.cos(phi), pt * Math.sin(phi), pt * Math.sinh(eta));
  }

  /**
   * The decay of {@code parent} into two bodies of masses m1 and m2, isotropic in the parent's rest
   * frame.
   *
   * @return the two daughters in the lab frame
   */
  public static FourVector[] decay(FourVector parent, double m1, double m2, RandomGenerator rng) {
    double m = parent.mass();
    double p =
        Math.sqrt(Math.max(0, (m * m - (m1 + m2) * (m1 + m2)) * (m * m - (m1 - m2) * (m1 - m2))))
            / (2 * m);
    double cosTheta = 2 * rng.nextDouble() - 1;
    double sinTheta = Math.sqrt(1 - cosTheta * cosTheta);
    double phi = 2 * Math.PI * rng.nextDouble();
    double x = p * sinTheta * Math.cos(phi);
    double y = p * sinTheta * Math.sin(phi);
    double z = p * cosTheta;
    FourVector d1 = new FourVector(Math.sqrt(p * p + m1 * m1), x, y, z);
    FourVector d2 = new FourVector(Math.sqrt(p * p + m2 * m2), -x, -y, -z);
    return new FourVector[] {d1.boost(parent), d2.boost(parent)};
  }

  /** This vector, given in the rest frame of {@code frame}, seen in the lab frame. */
  public FourVector boost(FourVector frame) {
    double bx = frame.px / frame.e;
    double by = frame.py / frame.e;
    double bz = frame.pz / frame.e;
    double b2 = bx * bx + by * by + bz * bz;
    if (b2 == 0) {
      return this;
    }
    double gamma = 1 / Math.sqrt(1 - b2);
    double bp = bx * px + by * py + bz * pz;
    double g2 = (gamma - 1) / b2;
    double k = g2 * bp + gamma * e;
    return new FourVector(gamma * (e + bp), px + k * bx, py + k * by, pz + k * bz);
  }

  /** The sum of two vectors. */
  public FourVector plus(FourVector o) {
    return new FourVector(e + o.e, px + o.px, py + o.py, pz + o.pz);
  }

  /** The vector times a factor. */
  public FourVector times(double f) {
    return new FourVector(f * e, f * px, f * py, f * pz);
  }

  /** Invariant mass (0 if the square is negative from rounding). */
  public double mass() {
    return Math.sqrt(Math.max(0, e * e - px * px - py * py - pz * pz));
  }

  /** Transverse momentum. */
  public double pt() {
    return Math.hypot(px, py);
  }

  /** Pseudorapidity. */
  public double eta() {
    double x = Math.abs(pz / pt());
    return Math.copySign(Math.log(x + Math.sqrt(x * x + 1)), pz);
  }

  /** Azimuth in (-pi, pi]. */
  public double phi() {
    return Math.atan2(py, px);
  }
}
