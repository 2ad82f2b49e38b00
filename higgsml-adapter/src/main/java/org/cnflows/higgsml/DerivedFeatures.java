package org.cnflows.higgsml;

/**
 * Recomputes the 12 {@code DER_*} features from the {@code PRI_*} features, in place (higgsml.md,
 * "Derived features"; the challenge's official code). Massless vectors with {@code px = pt
 * cos(phi)}, {@code py = pt sin(phi)}, {@code pz = pt sinh(eta)}, {@code |p| = pt cosh(eta)};
 * arithmetic in double, stored as float:
 *
 * <ul>
 *   <li>{@code DER_mass_transverse_met_lep = sqrt(max(0, (MET + pt_lep)^2 - |MET_vec + pT_lep|^2))}
 *   <li>{@code DER_mass_vis} = invariant mass of lepton + hadronic tau
 *   <li>{@code DER_pt_h = |pT_had + pT_lep + MET_vec|}
 *   <li>{@code DER_deltaeta_jet_jet = |eta_j1 - eta_j2|}, {@code DER_mass_jet_jet} = invariant mass
 *       of j1 + j2, {@code DER_prodeta_jet_jet = eta_j1 eta_j2}: -25 unless n_jets >= 2
 *   <li>{@code DER_deltar_had_lep = sqrt(deta^2 + dphi^2)}, dphi wrapped into [-pi, pi]
 *   <li>{@code DER_pt_tot = |pT_had + pT_lep + MET_vec + pT_j1 [n>=1] + pT_j2 [n>=2]|}
 *   <li>{@code DER_sum_pt = PRI_had_pt + PRI_lep_pt + PRI_jet_all_pt}, summed in float32 as the
 *       official code does (bit-identical on the real sample)
 *   <li>{@code DER_pt_ratio_lep_had = PRI_lep_pt / PRI_had_pt}
 *   <li>{@code DER_met_phi_centrality = (A + B) / sqrt(A^2 + B^2)}, {@code A = sin(phi_met -
 *       phi_lep) s}, {@code B = sin(phi_had - phi_met) s}, {@code s = sign(sin(phi_had -
 *       phi_lep))}; a zero denominator is retried with phi_lep + 1e-4, then gives -25
 *   <li>{@code DER_lep_eta_centrality = exp(-4 (eta_lep - (eta_j1 + eta_j2)/2)^2 / (eta_j1 -
 *       eta_j2)^2)} if n_jets >= 2 (1e-4 added to a zero denominator), else -25
 * </ul>
 *
 * Stateless and allocation-free per event; different row ranges may be computed concurrently.
 */
public final class DerivedFeatures {
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
      double lx = lepPt[i] * Math.cos(lepPhi[i]);
      double ly = lepPt[i] * Math.sin(lepPhi[i]);
      double lz = lepPt[i] * Math.sinh(lepEta[i]);
      double le = lepPt[i] * Math.cosh(lepEta[i]);
      double hx = hadPt[i] * Math.cos(hadPhi[i]);
      double hy = hadPt[i] * Math.sin(hadPhi[i]);
      double hz = hadPt[i] * Math.sinh(hadEta[i]);
      double he = hadPt[i] * Math.cosh(hadEta[i]);
      double mx = met[i] * Math.cos(metPhi[i]);
      double my = met[i] * Math.sin(metPhi[i]);
      int n = Math.round(nJets[i]);

      double et = met[i] + lepPt[i];
      mt[i] = (float) Math.sqrt(Math.max(0, et * et - square(mx + lx, my + ly)));
      mVis[i] = (float) mass(le + he, lx + hx, ly + hy, lz + hz);
      double sx = hx + lx + mx;
      double sy = hy + ly + my;
      ptH[i] = (float) Math.hypot(sx, sy);
      if (n >= 1) {
        sx += j1Pt[i] * Math.cos(j1Phi[i]);
        sy += j1Pt[i] * Math.sin(j1Phi[i]);
      }
      if (n >= 2) {
        double e1 = j1Eta[i];
        double e2 = j2Eta[i];
        sx += j2Pt[i] * Math.cos(j2Phi[i]);
        sy += j2Pt[i] * Math.sin(j2Phi[i]);
        dEtaJj[i] = (float) Math.abs(e1 - e2);
        mJj[i] = (float) jetMass(j1Pt[i], e1, j1Phi[i], j2Pt[i], e2, j2Phi[i]);
        prodEtaJj[i] = (float) (e1 * e2);
        double denominator = (e1 - e2) * (e1 - e2);
        double centre = lepEta[i] - (e1 + e2) / 2;
        lepEtaCentrality[i] =
            (float) Math.exp(-4 * centre * centre / (denominator == 0 ? 1e-4 : denominator));
      } else {
        dEtaJj[i] = Columns.MISSING;
        mJj[i] = Columns.MISSING;
        prodEtaJj[i] = Columns.MISSING;
        lepEtaCentrality[i] = Columns.MISSING;
      }
      ptTot[i] = (float) Math.hypot(sx, sy);
      dR[i] = (float) Math.hypot(hadEta[i] - lepEta[i], wrap(hadPhi[i] - lepPhi[i]));
      sumPt[i] = hadPt[i] + lepPt[i] + jetAllPt[i];
      ratio[i] = (float) ((double) lepPt[i] / hadPt[i]);
      double c = metPhiCentrality(metPhi[i], lepPhi[i], hadPhi[i]);
      if (Double.isNaN(c)) {
        c = metPhiCentrality(metPhi[i], lepPhi[i] + 1e-4, hadPhi[i]);
      }
      metPhiCentrality[i] = Double.isNaN(c) ? Columns.MISSING : (float) c;
    }
  }

  /** The invariant mass of two massless vectors given by pt, eta, phi. */
  private static double jetMass(
      double pt1, double eta1, double phi1, double pt2, double eta2, double phi2) {
    return mass(
        pt1 * Math.cosh(eta1) + pt2 * Math.cosh(eta2),
        pt1 * Math.cos(phi1) + pt2 * Math.cos(phi2),
        pt1 * Math.sin(phi1) + pt2 * Math.sin(phi2),
        pt1 * Math.sinh(eta1) + pt2 * Math.sinh(eta2));
  }

  private static double mass(double e, double px, double py, double pz) {
    return Math.sqrt(Math.max(0, e * e - px * px - py * py - pz * pz));
  }

  private static double square(double x, double y) {
    return x * x + y * y;
  }

  /** The MET phi centrality, or NaN where its denominator is zero. */
  private static double metPhiCentrality(double phiMet, double phiLep, double phiHad) {
    double s = Math.signum(Math.sin(phiHad - phiLep));
    double a = Math.sin(phiMet - phiLep) * s;
    double b = Math.sin(phiHad - phiMet) * s;
    double denominator = Math.sqrt(a * a + b * b);
    return denominator == 0 ? Double.NaN : (a + b) / denominator;
  }

  /** An angle difference wrapped into [-pi, pi]. */
  private static double wrap(double dphi) {
    return Math.IEEEremainder(dphi, 2 * Math.PI);
  }
}
