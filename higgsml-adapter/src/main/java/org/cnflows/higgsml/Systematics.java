package org.cnflows.higgsml;

import java.util.random.RandomGenerator;

/**
 * Applies the challenge's systematics to events (higgsml.md, "Kinematic systematics", in this
 * order; CNF paper App. D.2, Eqs. (18)-(20)):
 *
 * <ol>
 *   <li>tes: {@code PRI_had_pt *= tes};
 *   <li>jes: leading jet pt {@code *= jes} if n_jets >= 1, subleading if n_jets >= 2, {@code
 *       PRI_jet_all_pt *= jes};
 *   <li>{@code MET' = MET + (1 - tes) pT(had) + (1 - jes) pT(j1) + (1 - jes) pT(j2)} with the
 *       original transverse vectors, jets only where present;
 *   <li>soft_met > 0: {@code MET' += (Normal(0, soft_met), Normal(0, soft_met))}, drawn from the
 *       caller's random source;
 *   <li>{@code PRI_met = |MET'|}, {@code PRI_met_phi = atan2(MET'_y, MET'_x)}; every PRI value
 *       rounded to 3 decimals (half to even, like numpy);
 *   <li>post-selection: drop {@code PRI_had_pt < 26}; a jet with pt in [0, 26] is removed (pt, eta,
 *       phi become -25, its pt leaves PRI_jet_all_pt, n_jets decreases; subleading first, then
 *       leading); drop {@code PRI_lep_pt < 20} ({@link PostSelection} reports the counts);
 *   <li>all DER features recomputed ({@link DerivedFeatures}); weights multiplied by the nuisance
 *       normalization of their process ({@link NuisanceParameters#weightNorm} with mu = 1).
 * </ol>
 *
 * The nominal application (tes = jes = 1, soft_met = 0) leaves the kinematics unchanged up to
 * rounding but still applies the post-selection. Stateless; thread-safe on distinct tables.
 */
public final class Systematics {
  /** Threshold (GeV) of the hadronic tau and the jets in the post-selection. */
  public static final double HAD_JET_PT_MIN = 26.0;

  /** Threshold (GeV) of the lepton in the post-selection. */
  public static final double LEP_PT_MIN = 20.0;

  private Systematics() {}

  /**
   * Applies the systematics to a copy of the events; the input is left unchanged.
   *
   * @param events events with the 16 PRI and 12 DER columns
   * @param nu the nuisance parameters
   * @param rng the source of the soft-MET noise (used only when soft_met > 0)
   */
  public static SystematicsResult apply(
      EventTable events, NuisanceParameters nu, RandomGenerator rng) {
    return applyInPlace(events.copy(), nu, rng);
  }

  /**
   * Applies the systematics, overwriting the kinematic columns of {@code events} (which must not be
   * used afterwards) and returning the kept events in a new table. Saves the copy of {@link #apply}
   * where the input is a scratch table, as in pseudo-experiments.
   */
  public static SystematicsResult applyInPlace(
      EventTable events, NuisanceParameters nu, RandomGenerator rng) {
    int n = events.size();
    float[] lepPt = events.column(Columns.PRI_LEP_PT);
    float[] hadPt = events.column(Columns.PRI_HAD_PT);
    float[] hadPhi = events.column(Columns.PRI_HAD_PHI);
    float[] j1Pt = events.column(Columns.PRI_JET_LEADING_PT);
    float[] j1Eta = events.column(Columns.PRI_JET_LEADING_ETA);
    float[] j1Phi = events.column(Columns.PRI_JET_LEADING_PHI);
    float[] j2Pt = events.column(Columns.PRI_JET_SUBLEADING_PT);
    float[] j2Eta = events.column(Columns.PRI_JET_SUBLEADING_ETA);
    float[] j2Phi = events.column(Columns.PRI_JET_SUBLEADING_PHI);
    float[] nJets = events.column(Columns.PRI_N_JETS);
    float[] jetAllPt = events.column(Columns.PRI_JET_ALL_PT);
    float[] met = events.column(Columns.PRI_MET);
    float[] metPhi = events.column(Columns.PRI_MET_PHI);
    double tes = nu.tes();
    double jes = nu.jes();
    double softMet = nu.softMet();

    for (int i = 0; i < n; i++) {
      int jets = Math.round(nJets[i]);
      double mx = met[i] * Math.cos(metPhi[i]);
      double my = met[i] * Math.sin(metPhi[i]);
      mx += (1 - tes) * hadPt[i] * Math.cos(hadPhi[i]);
      my += (1 - tes) * hadPt[i] * Math.sin(hadPhi[i]);
      hadPt[i] = round3(hadPt[i] * tes);
      if (jets >= 1) {
        mx += (1 - jes) * j1Pt[i] * Math.cos(j1Phi[i]);
        my += (1 - jes) * j1Pt[i] * Math.sin(j1Phi[i]);
        j1Pt[i] = round3(j1Pt[i] * jes);
      }
      if (jets >= 2) {
        mx += (1 - jes) * j2Pt[i] * Math.cos(j2Phi[i]);
        my += (1 - jes) * j2Pt[i] * Math.sin(j2Phi[i]);
        j2Pt[i] = round3(j2Pt[i] * jes);
      }
      jetAllPt[i] = round3(jetAllPt[i] * jes);
      if (softMet > 0) {
        mx += softMet * rng.nextGaussian();
        my += softMet * rng.nextGaussian();
      }
      met[i] = round3(Math.hypot(mx, my));
      metPhi[i] = round3(Math.atan2(my, mx));
    }
    roundUnchangedColumns(events);

    boolean[] keep = new boolean[n];
    int droppedHad = 0;
    int droppedLep = 0;
    int losingJet = 0;
    int leadingRemoved = 0;
    int subleadingRemoved = 0;
    for (int i = 0; i < n; i++) {
      if (hadPt[i] < HAD_JET_PT_MIN) {
        droppedHad++;
        continue;
      }
      if (lepPt[i] < LEP_PT_MIN) {
        droppedLep++;
        continue;
      }
      keep[i] = true;
      boolean lost = false;
      if (isSoftJet(j2Pt[i])) {
        removeJet(i, j2Pt, j2Eta, j2Phi, nJets, jetAllPt);
        subleadingRemoved++;
        lost = true;
      }
      if (isSoftJet(j1Pt[i])) {
        removeJet(i, j1Pt, j1Eta, j1Phi, nJets, jetAllPt);
        leadingRemoved++;
        lost = true;
      }
      if (lost) {
        losingJet++;
      }
    }

    EventTable kept = events.filter(keep);
    DerivedFeatures.compute(kept);
    float[] weights = kept.weights();
    for (int i = 0; i < kept.size(); i++) {
      weights[i] = (float) (weights[i] * nu.weightNorm(kept.process(i), 1.0));
    }
    return new SystematicsResult(
        kept,
        new PostSelection(n, droppedHad, droppedLep, losingJet, leadingRemoved, subleadingRemoved));
  }

  /** A value rounded to 3 decimals, half to even. */
  static float round3(double x) {
    return (float) (Math.rint(x * 1000.0) / 1000.0);
  }

  private static void roundUnchangedColumns(EventTable events) {
    for (String c :
        new String[] {
          Columns.PRI_LEP_PT,
          Columns.PRI_LEP_ETA,
          Columns.PRI_LEP_PHI,
          Columns.PRI_HAD_ETA,
          Columns.PRI_HAD_PHI,
          Columns.PRI_JET_LEADING_ETA,
          Columns.PRI_JET_LEADING_PHI,
          Columns.PRI_JET_SUBLEADING_ETA,
          Columns.PRI_JET_SUBLEADING_PHI
        }) {
      float[] v = events.column(c);
      for (int i = 0; i < v.length; i++) {
        v[i] = round3(v[i]);
      }
    }
  }

  private static boolean isSoftJet(float pt) {
    return pt >= 0 && pt <= HAD_JET_PT_MIN;
  }

  private static void removeJet(
      int i, float[] pt, float[] eta, float[] phi, float[] nJets, float[] jetAllPt) {
    jetAllPt[i] = round3((double) jetAllPt[i] - pt[i]);
    nJets[i] -= 1;
    pt[i] = Columns.MISSING;
    eta[i] = Columns.MISSING;
    phi[i] = Columns.MISSING;
  }
}
