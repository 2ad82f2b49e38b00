package org.cnflows.higgsml;

/**
 * Recomputes the 12 {@code DER_*} features from the {@code PRI_*} features, in place (higgsml.md,
 * "Derived features"), with the arithmetic of the challenge's official code: its columns are
 * float32, so every +, -, *, /, square and sqrt below is a float32 operation rounded to float32, in
 * the official order, and its python constants (3 pi, 2 pi, pi, 1e-4, -4, 2) enter as float32.
 * Elementary functions (sin, cos, sinh, cosh, exp) are the correctly rounded float32 values (double
 * evaluation rounded to float); numpy's float32 kernels differ from those in the last bit depending
 * on the CPU, which moves the official values themselves (see the adapter README). Massless vectors
 * with {@code px = pt cos(phi)}, {@code py = pt sin(phi)}, {@code pz = pt sinh(eta)}, {@code |p| =
 * pt cosh(eta)}; a jet's components are 0 unless {@code PRI_n_jets >= 1} (leading), {@code >= 2}
 * (subleading) (the official code multiplies them by 0 or 1, which differs at most in the sign of a
 * zero, and no output depends on that):
 *
 * <ul>
 *   <li>{@code DER_mass_transverse_met_lep = sqrt(c (c >= 0))}, {@code c = (MET + pt_lep)^2 -
 *       (MET_x + px_lep)^2 - (MET_y + py_lep)^2}, the sum {@code MET + pt_lep} in float32 too
 *   <li>{@code DER_mass_vis = sqrt((|p|_lep + |p|_had)^2 - (px sum)^2 - (py sum)^2 - (pz sum)^2)},
 *       without a guard: NaN where float32 rounding makes the square negative, like the official
 *       code (an almost collinear lepton and tau; none on the repository's samples)
 *   <li>{@code DER_pt_h = |pT_had + pT_lep + MET_vec|}, summed in that order
 *   <li>{@code DER_deltaeta_jet_jet = |eta_j2 - eta_j1|}, {@code DER_mass_jet_jet} (as the
 *       transverse mass, with the {@code c (c >= 0)} guard), {@code DER_prodeta_jet_jet = eta_j1
 *       eta_j2}: -25 unless n_jets >= 2
 *   <li>{@code DER_deltar_had_lep = sqrt((eta_lep - eta_had)^2 + dphi^2)}, {@code dphi =
 *       |mod(phi_lep - phi_had + 3 pi, 2 pi) - pi|} with numpy's float32 floored modulo
 *   <li>{@code DER_pt_tot = |pT_had + pT_lep + MET_vec + pT_j1 + pT_j2|}, summed in that order
 *   <li>{@code DER_sum_pt = (PRI_had_pt + PRI_lep_pt) + PRI_jet_all_pt}
 *   <li>{@code DER_pt_ratio_lep_had = PRI_lep_pt / PRI_had_pt}
 *   <li>{@code DER_met_phi_centrality = (A + B) / sqrt(A^2 + B^2)}, {@code A = sin(phi_met -
 *       phi_lep) s}, {@code B = sin(phi_had - phi_met) s}, {@code s = sign(sin(phi_had -
 *       phi_lep))}; a zero denominator is retried with {@code phi_lep + 1e-4}, then gives -25
 *   <li>{@code DER_lep_eta_centrality = exp((-4 / d) (eta_lep - (eta_j1 + eta_j2) / 2)^2)}, {@code
 *       d = (eta_j1 - eta_j2)^2}, 1e-4 added to a zero d, if n_jets >= 2, else -25
 * </ul>
 *
 * <p>{@code OfficialReferenceTest} holds these values against a float32 transcription of the
 * official code ({@code benchmarks/scripts/higgsml/official_float32.py}). Stateless and
 * allocation-free per event; different row ranges may be computed concurrently.
 */
public final class DerivedFeatures {
  private static final float PI = (float) Math.PI;
  private static final float TWO_PI = (float) (2 * Math.PI);
  private static final float THREE_PI = (float) (3 * Math.PI);
  private static final float EPSILON = 1e-4f;

  private DerivedFeatures() {}

  /**
   * Recomputes all DER columns of every event; the table needs the 16 PRI and the 12 DER columns.
   */
  public static void compute(EventTable table) {
    compute(table, 0, table.size());
  }

  /** Recomputes all DER columns of the events in rows {@code [from, to)}. */
  public static void compute(EventTable t, int from, int to) {
    float[] lepPt = t.column(Columns.PRI_LEP_PT);
    float[] lepEta = t.column(Columns.PRI_LEP_ETA);
    float[] lepPhi = t.column(Columns.PRI_LEP_PHI);
    float[] hadPt = t.column(Columns.PRI_HAD_PT);
    float[] hadEta = t.column(Columns.PRI_HAD_ETA);
    float[] hadPhi = t.column(Columns.PRI_HAD_PHI);
    float[] j1Pt = t.column(Columns.PRI_JET_LEADING_PT);
    float[] j1Eta = t.column(Columns.PRI_JET_LEADING_ETA);
    float[] j1Phi = t.column(Columns.PRI_JET_LEADING_PHI);
    float[] j2Pt = t.column(Columns.PRI_JET_SUBLEADING_PT);
    float[] j2Eta = t.column(Columns.PRI_JET_SUBLEADING_ETA);
    float[] j2Phi = t.column(Columns.PRI_JET_SUBLEADING_PHI);
    float[] nJets = t.column(Columns.PRI_N_JETS);
    float[] jetAllPt = t.column(Columns.PRI_JET_ALL_PT);
    float[] met = t.column(Columns.PRI_MET);
    float[] metPhi = t.column(Columns.PRI_MET_PHI);
    float[] mt = t.column(Columns.DER_MASS_TRANSVERSE_MET_LEP);
    float[] mVis = t.column(Columns.DER_MASS_VIS);
    float[] ptH = t.column(Columns.DER_PT_H);
    float[] dEtaJj = t.column(Columns.DER_DELTAETA_JET_JET);
    float[] mJj = t.column(Columns.DER_MASS_JET_JET);
    float[] prodEtaJj = t.column(Columns.DER_PRODETA_JET_JET);
    float[] dR = t.column(Columns.DER_DELTAR_HAD_LEP);
    float[] ptTot = t.column(Columns.DER_PT_TOT);
    float[] sumPt = t.column(Columns.DER_SUM_PT);
    float[] ratio = t.column(Columns.DER_PT_RATIO_LEP_HAD);
    float[] metPhiCentrality = t.column(Columns.DER_MET_PHI_CENTRALITY);
    float[] lepEtaCentrality = t.column(Columns.DER_LEP_ETA_CENTRALITY);

    for (int i = from; i < to; i++) {
      float hx = hadPt[i] * cos(hadPhi[i]);
      float hy = hadPt[i] * sin(hadPhi[i]);
      float hz = hadPt[i] * sinh(hadEta[i]);
      float he = hadPt[i] * cosh(hadEta[i]);
      float lx = lepPt[i] * cos(lepPhi[i]);
      float ly = lepPt[i] * sin(lepPhi[i]);
      float lz = lepPt[i] * sinh(lepEta[i]);
      float le = lepPt[i] * cosh(lepEta[i]);
      float mx = met[i] * cos(metPhi[i]);
      float my = met[i] * sin(metPhi[i]);
      boolean has1 = nJets[i] >= 1;
      boolean has2 = nJets[i] >= 2;
      float x1 = has1 ? j1Pt[i] * cos(j1Phi[i]) : 0f;
      float y1 = has1 ? j1Pt[i] * sin(j1Phi[i]) : 0f;
      float x2 = has2 ? j2Pt[i] * cos(j2Phi[i]) : 0f;
      float y2 = has2 ? j2Pt[i] * sin(j2Phi[i]) : 0f;

      float et = met[i] + lepPt[i];
      float tx = mx + lx;
      float ty = my + ly;
      mt[i] = sqrtGuarded(et * et - tx * tx - ty * ty);
      float e = le + he;
      float x = lx + hx;
      float y = ly + hy;
      float z = lz + hz;
      // guarded like mT and m_jj: for a nearly collinear pair of nearly massless momenta float32
      // rounding can make e^2 < |p|^2 (1 event in the 7.4 million of a 10 fb^-1 template pool)
      mVis[i] = sqrtGuarded(e * e - x * x - y * y - z * z);
      float sx = hx + lx + mx;
      float sy = hy + ly + my;
      ptH[i] = (float) Math.sqrt(sx * sx + sy * sy);
      sx = sx + x1 + x2;
      sy = sy + y1 + y2;
      ptTot[i] = (float) Math.sqrt(sx * sx + sy * sy);
      float eta1 = j1Eta[i];
      float eta2 = j2Eta[i];
      if (has2) {
        dEtaJj[i] = Math.abs(eta2 - eta1);
        float e1 = j1Pt[i] * cosh(eta1);
        float e2 = j2Pt[i] * cosh(eta2);
        float z1 = j1Pt[i] * sinh(eta1);
        float z2 = j2Pt[i] * sinh(eta2);
        float ej = e1 + e2;
        float xj = x1 + x2;
        float yj = y1 + y2;
        float zj = z1 + z2;
        mJj[i] = sqrtGuarded(ej * ej - xj * xj - yj * yj - zj * zj);
        prodEtaJj[i] = eta1 * eta2;
        float d = (eta1 - eta2) * (eta1 - eta2);
        if (d == 0f) {
          d = d + EPSILON;
        }
        float centre = lepEta[i] - (eta1 + eta2) / 2f;
        lepEtaCentrality[i] = (float) Math.exp((-4f / d) * (centre * centre));
      } else {
        dEtaJj[i] = Columns.MISSING;
        mJj[i] = Columns.MISSING;
        prodEtaJj[i] = Columns.MISSING;
        lepEtaCentrality[i] = Columns.MISSING;
      }
      float deta = lepEta[i] - hadEta[i];
      float dphi = Math.abs(floorMod(lepPhi[i] - hadPhi[i] + THREE_PI, TWO_PI) - PI);
      dR[i] = (float) Math.sqrt(deta * deta + dphi * dphi);
      sumPt[i] = hadPt[i] + lepPt[i] + jetAllPt[i];
      ratio[i] = lepPt[i] / hadPt[i];
      float c = metPhiCentrality(metPhi[i], lepPhi[i], hadPhi[i]);
      if (Float.isNaN(c)) {
        c = metPhiCentrality(metPhi[i], lepPhi[i] + EPSILON, hadPhi[i]);
      }
      metPhiCentrality[i] = Float.isNaN(c) ? Columns.MISSING : c;
    }
  }

  /** {@code sqrt(c (c >= 0))} in float32, the official guard of a square root (-0 for c < 0). */
  private static float sqrtGuarded(float c) {
    return (float) Math.sqrt(c * (c >= 0 ? 1f : 0f));
  }

  /** numpy's float32 {@code mod}: the remainder with the sign of the divisor. */
  static float floorMod(float a, float b) {
    float mod = a % b;
    if (mod == 0f) {
      return Math.copySign(0f, b);
    }
    return (b < 0) != (mod < 0) ? mod + b : mod;
  }

  /** The correctly rounded float32 sine of a float32 angle. */
  static float sin(float x) {
    return (float) Math.sin(x);
  }

  /** The correctly rounded float32 cosine of a float32 angle. */
  static float cos(float x) {
    return (float) Math.cos(x);
  }

  /**
   * sinh from the intrinsic exp (Math.sinh is StrictMath's, several times slower; this was a tenth
   * of the template stage): (e^x - e^-x) / 2 in double, a series below |x| = 1e-2 where the
   * difference cancels; either is within a few ulps of double, far below float32's rounding.
   */
  private static float sinh(float x) {
    double d = x;
    if (Math.abs(d) < 1e-2) {
      double d2 = d * d;
      return (float) (d * (1 + d2 / 6 * (1 + d2 / 20)));
    }
    double e = Math.exp(d);
    return (float) (0.5 * (e - 1 / e));
  }

  /** cosh from the intrinsic exp: (e^x + e^-x) / 2 in double (no cancellation). */
  private static float cosh(float x) {
    double e = Math.exp(x);
    return (float) (0.5 * (e + 1 / e));
  }

  /** The MET phi centrality in float32, or NaN where its denominator is zero. */
  private static float metPhiCentrality(float phiMet, float phiLep, float phiHad) {
    float s = Math.signum(sin(phiHad - phiLep));
    float a = sin(phiMet - phiLep) * s;
    float b = sin(phiHad - phiMet) * s;
    float denominator = (float) Math.sqrt(a * a + b * b);
    return denominator == 0f ? Float.NaN : (a + b) / denominator;
  }
}
