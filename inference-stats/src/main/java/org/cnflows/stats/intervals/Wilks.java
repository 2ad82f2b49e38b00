package org.cnflows.stats.intervals;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.cnflows.stats.internal.Checks;

/**
 * Wilks' theorem (S.S. Wilks, Ann. Math. Statist. 9 (1938) 60): -2 ln lambda is asymptotically
 * chi-square with as many degrees of freedom as parameters of interest, so the CL region is Delta
 * NLL = -ln lambda &lt; F^-1_{chi2_k}(CL) / 2 (Cowan et al., Eur. Phys. J. C 71 (2011) 1554, Eq. 9
 * and Sec. 3.1).
 */
public final class Wilks {

  private Wilks() {}

  /**
   * The Delta NLL threshold F^-1_{chi2_dof}(cl) / 2. For one dof computed as z^2/2 with z =
   * Phi^-1((1 + cl)/2), so cl = 0.682689... gives exactly 1/2.
   */
  public static double threshold(double cl, int dof) {
    Checks.confidenceLevel(cl);
    Checks.positive("dof", dof);
    if (dof == 1) {
      double z = new NormalDistribution(null, 0, 1).inverseCumulativeProbability((1 + cl) / 2);
      return 0.5 * z * z;
    }
    return 0.5 * new ChiSquaredDistribution(null, dof, 1e-14).inverseCumulativeProbability(cl);
  }
}
