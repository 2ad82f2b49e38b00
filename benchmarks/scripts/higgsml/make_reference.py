"""Writes the numpy reference that SystematicsReferenceTest compares the Java systematics with.

Input: the first 1000 events of the 2014 ATLAS open-data CSV (data/atlas-higgs-2014 of the repository),
mapped to the 2025 names (PRI_tau_* -> PRI_had_*, PRI_jet_num -> PRI_n_jets, -999 -> -25).
Output: the PRI and DER columns after the systematics of systematics_numpy.py at tes = 1.03,
jes = 0.97, soft_met = 0 (deterministic), plus the 0-based input row of every kept event.

Usage: python3 make_reference.py <2014 csv> <output csv>
"""
import sys

import numpy as np

import systematics_numpy as s

PRI = ["PRI_lep_pt", "PRI_lep_eta", "PRI_lep_phi", "PRI_had_pt", "PRI_had_eta", "PRI_had_phi",
       "PRI_jet_leading_pt", "PRI_jet_leading_eta", "PRI_jet_leading_phi",
       "PRI_jet_subleading_pt", "PRI_jet_subleading_eta", "PRI_jet_subleading_phi",
       "PRI_n_jets", "PRI_jet_all_pt", "PRI_met", "PRI_met_phi"]
EVENTS = 1000


def main():
    raw = np.genfromtxt(sys.argv[1], delimiter=",", names=True, dtype=None, encoding="ascii",
                        max_rows=EVENTS)
    d = {}
    for name in PRI:
        source = name.replace("PRI_had_", "PRI_tau_").replace("PRI_n_jets", "PRI_jet_num")
        v = raw[source].astype(np.float32)
        d[name] = np.where(v == -999.0, np.float32(-25.0), v)
    d["weights"] = raw["Weight"].astype(np.float32)
    d["row"] = np.arange(EVENTS, dtype=np.float32)
    out = s.systematics(d, np.random.default_rng(0), tes=1.03, jes=0.97, soft_met=0.0)
    row = out["row"]
    cols = PRI + sorted(k for k in out if k.startswith("DER_"))
    with open(sys.argv[2], "w") as f:
        f.write("row," + ",".join(cols) + "\n")
        for i in range(len(row)):
            f.write("%d," % row[i] + ",".join("%.9g" % out[c][i] for c in cols) + "\n")


if __name__ == "__main__":
    main()
