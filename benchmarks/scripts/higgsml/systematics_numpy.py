"""numpy counterpart of org.cnflows.bench.higgsml.SystematicsThroughput.

Applies the steps of the HiggsML systematics of higgsml.md (tes, jes, MET correction, soft-MET
noise, rounding to 3 decimals, post-selection, recomputation of all 12 DER features) to
1,050,000 events made by tiling the 1000-event 2025 sample, and prints events/s
(single-threaded numpy). A speed comparison only: it computes in float64, while the Java code
computes in float32 like the official code; official_float32.py is the value reference.

Usage: python3 systematics_numpy.py sample_pri.csv
(the CSV is written by SystematicsThroughput's second argument).
"""
import sys
import time

import numpy as np

EVENTS = 1_050_000
TES, JES, SOFT_MET = 1.02, 0.98, 1.0
MISSING = -25.0


def load(path):
    with open(path) as f:
        header = f.readline().strip().split(",")
    raw = np.genfromtxt(path, delimiter=",", skip_header=1, dtype=str)
    cols = {h: raw[:, i] for i, h in enumerate(header)}
    data = {h: v.astype(np.float32) for h, v in cols.items() if h != "detailed_labels"}
    return data


def round3(x):
    return (np.rint(np.asarray(x, dtype=np.float64) * 1000.0) / 1000.0).astype(np.float32)


def systematics(d, rng, tes=TES, jes=JES, soft_met=SOFT_MET):
    n = d["PRI_n_jets"].astype(np.int64)
    had = d["PRI_had_pt"].astype(np.float64)
    j1 = d["PRI_jet_leading_pt"].astype(np.float64)
    j2 = d["PRI_jet_subleading_pt"].astype(np.float64)
    met = d["PRI_met"].astype(np.float64)
    mphi = d["PRI_met_phi"].astype(np.float64)
    mx = met * np.cos(mphi) + (1 - tes) * had * np.cos(d["PRI_had_phi"])
    my = met * np.sin(mphi) + (1 - tes) * had * np.sin(d["PRI_had_phi"])
    has1, has2 = n >= 1, n >= 2
    mx += np.where(has1, (1 - jes) * j1 * np.cos(d["PRI_jet_leading_phi"]), 0)
    my += np.where(has1, (1 - jes) * j1 * np.sin(d["PRI_jet_leading_phi"]), 0)
    mx += np.where(has2, (1 - jes) * j2 * np.cos(d["PRI_jet_subleading_phi"]), 0)
    my += np.where(has2, (1 - jes) * j2 * np.sin(d["PRI_jet_subleading_phi"]), 0)
    if soft_met > 0:
        mx += rng.normal(0, soft_met, mx.shape)
        my += rng.normal(0, soft_met, my.shape)
    out = {k: round3(v) for k, v in d.items() if k.startswith("PRI_")}
    out["PRI_had_pt"] = round3(had * tes)
    out["PRI_jet_leading_pt"] = np.where(has1, round3(j1 * jes), d["PRI_jet_leading_pt"])
    out["PRI_jet_subleading_pt"] = np.where(has2, round3(j2 * jes), d["PRI_jet_subleading_pt"])
    out["PRI_jet_all_pt"] = round3(d["PRI_jet_all_pt"] * np.float64(jes))
    out["PRI_met"] = round3(np.hypot(mx, my))
    out["PRI_met_phi"] = round3(np.arctan2(my, mx))
    out["PRI_n_jets"] = d["PRI_n_jets"].copy()
    out.update({k: v for k, v in d.items() if not k.startswith("PRI_")})  # weights etc. pass
    keep = (out["PRI_had_pt"] >= 26) & (out["PRI_lep_pt"] >= 20)
    for jet in ("subleading", "leading"):
        pt = out[f"PRI_jet_{jet}_pt"]
        soft = (pt >= 0) & (pt <= 26)
        out["PRI_jet_all_pt"] = np.where(
            soft, round3(out["PRI_jet_all_pt"].astype(np.float64) - pt), out["PRI_jet_all_pt"])
        out["PRI_n_jets"] = np.where(soft, out["PRI_n_jets"] - 1, out["PRI_n_jets"])
        for q in ("pt", "eta", "phi"):
            out[f"PRI_jet_{jet}_{q}"] = np.where(soft, np.float32(MISSING), out[f"PRI_jet_{jet}_{q}"])
    out = {k: v[keep] for k, v in out.items()}
    out.update(derived(out))
    return out


def derived(d):
    f = {k: d[k].astype(np.float64) for k in d if k.startswith("PRI_")}
    lx, ly = f["PRI_lep_pt"] * np.cos(f["PRI_lep_phi"]), f["PRI_lep_pt"] * np.sin(f["PRI_lep_phi"])
    lz, le = f["PRI_lep_pt"] * np.sinh(f["PRI_lep_eta"]), f["PRI_lep_pt"] * np.cosh(f["PRI_lep_eta"])
    hx, hy = f["PRI_had_pt"] * np.cos(f["PRI_had_phi"]), f["PRI_had_pt"] * np.sin(f["PRI_had_phi"])
    hz, he = f["PRI_had_pt"] * np.sinh(f["PRI_had_eta"]), f["PRI_had_pt"] * np.cosh(f["PRI_had_eta"])
    mx, my = f["PRI_met"] * np.cos(f["PRI_met_phi"]), f["PRI_met"] * np.sin(f["PRI_met_phi"])
    n = np.rint(f["PRI_n_jets"])
    has1, has2 = n >= 1, n >= 2
    j = {}
    for name in ("leading", "subleading"):
        pt, eta, phi = (f[f"PRI_jet_{name}_{q}"] for q in ("pt", "eta", "phi"))
        j[name] = (pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta), pt * np.cosh(eta), eta)
    r = {}
    et = f["PRI_met"] + f["PRI_lep_pt"]
    r["DER_mass_transverse_met_lep"] = np.sqrt(np.maximum(0, et**2 - (mx + lx) ** 2 - (my + ly) ** 2))
    r["DER_mass_vis"] = np.sqrt(np.maximum(0, (le + he) ** 2 - (lx + hx) ** 2 - (ly + hy) ** 2 - (lz + hz) ** 2))
    sx, sy = hx + lx + mx, hy + ly + my
    r["DER_pt_h"] = np.hypot(sx, sy)
    x1, y1, z1, e1, eta1 = j["leading"]
    x2, y2, z2, e2, eta2 = j["subleading"]
    sx = sx + np.where(has1, x1, 0) + np.where(has2, x2, 0)
    sy = sy + np.where(has1, y1, 0) + np.where(has2, y2, 0)
    r["DER_pt_tot"] = np.hypot(sx, sy)
    r["DER_deltaeta_jet_jet"] = np.where(has2, np.abs(eta1 - eta2), MISSING)
    mjj = np.sqrt(np.maximum(0, (e1 + e2) ** 2 - (x1 + x2) ** 2 - (y1 + y2) ** 2 - (z1 + z2) ** 2))
    r["DER_mass_jet_jet"] = np.where(has2, mjj, MISSING)
    r["DER_prodeta_jet_jet"] = np.where(has2, eta1 * eta2, MISSING)
    den = (eta1 - eta2) ** 2
    cen = np.exp(-4 * (f["PRI_lep_eta"] - (eta1 + eta2) / 2) ** 2 / np.where(den == 0, 1e-4, den))
    r["DER_lep_eta_centrality"] = np.where(has2, cen, MISSING)
    dphi = np.remainder(f["PRI_had_phi"] - f["PRI_lep_phi"] + np.pi, 2 * np.pi) - np.pi
    r["DER_deltar_had_lep"] = np.hypot(f["PRI_had_eta"] - f["PRI_lep_eta"], dphi)
    r["DER_sum_pt"] = d["PRI_had_pt"] + d["PRI_lep_pt"] + d["PRI_jet_all_pt"]
    r["DER_pt_ratio_lep_had"] = f["PRI_lep_pt"] / f["PRI_had_pt"]

    def centrality(lep_phi):
        s = np.sign(np.sin(f["PRI_had_phi"] - lep_phi))
        a = np.sin(f["PRI_met_phi"] - lep_phi) * s
        b = np.sin(f["PRI_had_phi"] - f["PRI_met_phi"]) * s
        den = np.sqrt(a * a + b * b)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den != 0, (a + b) / den, np.nan)

    c = centrality(f["PRI_lep_phi"])
    c = np.where(np.isnan(c), centrality(f["PRI_lep_phi"] + 1e-4), c)
    r["DER_met_phi_centrality"] = np.where(np.isnan(c), MISSING, c)
    return {k: v.astype(np.float32) for k, v in r.items()}


def main():
    sample = load(sys.argv[1])
    rows = np.arange(EVENTS) % len(sample["PRI_lep_pt"])
    events = {k: v[rows] for k, v in sample.items()}
    rates = []
    for it in range(3 + 7):
        rng = np.random.default_rng(it)
        t0 = time.perf_counter()
        out = systematics(events, rng)
        seconds = time.perf_counter() - t0
        if it >= 3:
            rates.append(EVENTS / seconds)
    print(
        f"numpy systematics + post-selection + DER: median {np.median(rates):.3g} events/s "
        f"(min {min(rates):.3g}, max {max(rates):.3g}) over 7 runs of {EVENTS} events "
        f"({len(out['PRI_lep_pt'])} kept)")


if __name__ == "__main__":
    main()
