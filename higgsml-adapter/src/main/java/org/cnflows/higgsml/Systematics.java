package org.cnflows.higgsml;

import java.util.random.RandomGenerator;

/**
 * Applies the challenge's systematics to events (higgsml.md, "Kinematic systematics", in this
 * order; CNF paper App. D.2, Eqs. (18)-(20)) with the arithmetic of the official code, whose
 * columns are float32: every step below is a float32 operation rounded to float32 (tes, jes and the
 * factors enter as float32), elementary functions are correctly rounded float32 values (see {@link
 * DerivedFeatures} for how numpy's float32 kernels differ):
 *
 * <ol>
 *   <li>{@code MET = (met cos(met_phi), met sin(met_phi))}.
 *   <li>tes (skipped when tes == 1, like the official code): {@code PRI_had_pt *= tes}; {@code MET
 *       += pT(had') f}, with the scaled momentum {@code had'} and {@code f = (1 - tes) / tes} (so
 *       the correction is {@code (1 - tes) pT(had)} up to float32 rounding).
 *   <li>jes (skipped when jes == 1): leading jet pt {@code *= jes} if n_jets >= 1, subleading if
 *       n_jets >= 2, {@code PRI_jet_all_pt *= jes}; {@code MET += pT(j1') f + pT(j2') f}, {@code f
 *       = (1 - jes) / jes}, a jet's momentum 0 where it is absent.
 *   <li>{@code PRI_met = sqrt(MET_x^2 + MET_y^2)}, {@code PRI_met_phi = atan2(MET_y, MET_x)}.
 *   <li>Every PRI value except n_jets rounded to 3 decimals the way numpy rounds float32: {@code x
 *       * 1000} in float32, rint (half to even), {@code / 1000} in float32 ({@link #round3}).
 *   <li>soft_met > 0: {@code (Normal(0, soft_met), Normal(0, soft_met))} from the caller's random
 *       source is added to the float32 MET in double, and PRI_met, PRI_met_phi are computed and
 *       rounded in double, as the official code does once its float32 MET meets the float64 noise
 *       (it then also computes the MET-dependent DER features from the double MET; here they use
 *       the stored float32 MET, a difference below float32 rounding of MET).
 *   <li>Post-selection: drop {@code PRI_had_pt < 26}; a jet with pt in [0, 26] is removed (pt, eta,
 *       phi become -25, n_jets decreases, its pt is subtracted from PRI_jet_all_pt in float32 and
 *       the result is not rounded again, so an event that loses all its jets can keep a float32
 *       remainder such as 1.9e-6, as in the official code; subleading first, then leading); drop
 *       {@code PRI_lep_pt < 20} ({@link PostSelection} reports the counts).
 *   <li>All DER features recomputed ({@link DerivedFeatures}); weights multiplied by the nuisance
 *       normalization of their process ({@link NuisanceParameters#weightNorm} with mu = 1).
 * </ol>
 *
 * {@code OfficialReferenceTest} holds the result against a float32 transcription of the official
 * code ({@code benchmarks/scripts/higgsml/official_float32.py}) at several (tes, jes) points: same
 * kept rows, identical PRI values. The nominal application (tes = jes = 1, soft_met = 0) still
 * rebuilds MET from its float32 components, rounds, and applies the post-selection. Stateless;
 * thread-safe on distinct tables.
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
    float tes32 = (float) tes;
    float jes32 = (float) jes;
    float tesFactor = (float) ((1.0 - tes) / tes);
    float jesFactor = (float) ((1.0 - jes) / jes);

    for (int i = 0; i < n; i++) {
      float mx = met[i] * cos(metPhi[i]);
      float my = met[i] * sin(metPhi[i]);
      if (tes != 1.0) {
        hadPt[i] *= tes32;
        mx = mx + hadPt[i] * cos(hadPhi[i]) * tesFactor;
        my = my + hadPt[i] * sin(hadPhi[i]) * tesFactor;
      }
      if (jes != 1.0) {
        boolean has1 = nJets[i] >= 1;
        boolean has2 = nJets[i] >= 2;
        if (has1) {
          j1Pt[i] *= jes32;
        }
        if (has2) {
          j2Pt[i] *= jes32;
        }
        jetAllPt[i] *= jes32;
        float pt1 = has1 ? j1Pt[i] : 0f;
        float phi1 = has1 ? j1Phi[i] : 0f;
        mx = mx + pt1 * cos(phi1) * jesFactor;
        my = my + pt1 * sin(phi1) * jesFactor;
        float pt2 = has2 ? j2Pt[i] : 0f;
        float phi2 = has2 ? j2Phi[i] : 0f;
        mx = mx + pt2 * cos(phi2) * jesFactor;
        my = my + pt2 * sin(phi2) * jesFactor;
      }
      if (softMet > 0) {
        double dx = mx + softMet * rng.nextGaussian();
        double dy = my + softMet * rng.nextGaussian();
        met[i] = (float) (Math.rint(Math.sqrt(dx * dx + dy * dy) * 1000.0) / 1000.0);
        metPhi[i] = (float) (Math.rint(Math.atan2(dy, dx) * 1000.0) / 1000.0);
      } else {
        met[i] = (float) Math.sqrt(mx * mx + my * my);
        metPhi[i] = (float) Math.atan2(my, mx);
      }
    }
    roundPrimary(events);

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

    int[] keptRows = new int[n - droppedHad - droppedLep];
    for (int i = 0, k = 0; i < n; i++) {
      if (keep[i]) {
        keptRows[k++] = i;
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
        new PostSelection(n, droppedHad, droppedLep, losingJet, leadingRemoved, subleadingRemoved),
        keptRows);
  }

  /**
   * A float32 value rounded to 3 decimals as numpy rounds a float32 array: {@code x * 1000} rounded
   * to float32, rint (half to even), divided by 1000 in float32. Differs from rounding the exact
   * value where {@code x * 1000} is within float32 rounding of a half (e.g. 1.2345f gives 1.234).
   */
  static float round3(float x) {
    return (float) Math.rint(x * 1000f) / 1000f;
  }

  private static void roundPrimary(EventTable events) {
    for (String c : Columns.PRI) {
      if (c.equals(Columns.PRI_N_JETS)) {
        continue;
      }
      float[] v = events.column(c);
      for (int i = 0; i < v.length; i++) {
        v[i] = round3(v[i]);
      }
    }
  }

  private static float sin(float x) {
    return DerivedFeatures.sin(x);
  }

  private static float cos(float x) {
    return DerivedFeatures.cos(x);
  }

  private static boolean isSoftJet(float pt) {
    return pt >= 0 && pt <= HAD_JET_PT_MIN;
  }

  private static void removeJet(
      int i, float[] pt, float[] eta, float[] phi, float[] nJets, float[] jetAllPt) {
    jetAllPt[i] = jetAllPt[i] - pt[i];
    nJets[i] -= 1;
    pt[i] = Columns.MISSING;
    eta[i] = Columns.MISSING;
    phi[i] = Columns.MISSING;
  }
}
