"""Writes the references that OfficialReferenceTest compares the Java systematics and DER with.

The formulas are official_float32.py's float32 transcription of the challenge's code, at
soft_met = 0 and the (tes, jes) points in POINTS, on
  * the 1000-event 2025 sample, as the CSV of its PRI columns that SystematicsThroughput exports
    (its second argument; Float.toString, so every float32 value round-trips), and
  * the first EVENTS_2014 events of the 2014 CSV, mapped to the 2025 names (PRI_tau_* ->
    PRI_had_*, PRI_jet_num -> PRI_n_jets, -999 -> -25).
Each output row is one kept event: tes, jes, its 0-based input row, the 16 PRI and the 12 DER
values (%.9g, which round-trips float32). The script then prints, per sample and point, the
largest |difference| per column between that reference (correctly rounded float32 elementary
functions) and the same transcription on numpy's own float32 kernels (the official code as numpy
runs it on this machine), and the number of PRI values that differ.

Usage (from the repository root):
  mvn -B -q -pl benchmarks -am compile
  java -cp <benchmarks, higgsml-adapter, common classes, duckdb_jdbc and gson jars> \
    org.cnflows.bench.higgsml.SystematicsThroughput \
    data/fair-universe-higgsml-sample/FAIR_Universe_HiggsML_data.parquet /tmp/pri2025.csv
  python3 benchmarks/scripts/higgsml/make_reference.py /tmp/pri2025.csv \
    data/atlas-higgs-2014/atlas-higgs-challenge-2014-v2-first22889.csv \
    higgsml-adapter/src/test/resources/org/cnflows/higgsml
"""
import os
import sys

import numpy as np

import official_float32 as o

POINTS = [(1.0, 1.0), (1.05, 0.97), (0.93, 1.08), (1.1, 0.9), (0.9, 1.1)]
EVENTS_2014 = 400


def load_2025(path):
    with open(path) as f:
        header = f.readline().strip().split(",")
    raw = np.genfromtxt(path, delimiter=",", skip_header=1, dtype=str)
    return {h: raw[:, i].astype(np.float32) for i, h in enumerate(header) if h in o.PRI}


def load_2014(path):
    raw = np.genfromtxt(path, delimiter=",", names=True, dtype=None, encoding="ascii",
                        max_rows=EVENTS_2014)
    d = {}
    for name in o.PRI:
        source = name.replace("PRI_had_", "PRI_tau_").replace("PRI_n_jets", "PRI_jet_num")
        v = raw[source].astype(np.float32)
        d[name] = np.where(v == np.float32(-999.0), o.MISSING, v)
    return d


def write(path, d):
    cols = o.PRI + o.DER
    with open(path, "w") as f:
        f.write("tes,jes,row," + ",".join(cols) + "\n")
        for tes, jes in POINTS:
            out, kept = o.apply(d, tes, jes)
            for i, row in enumerate(kept):
                f.write("%r,%r,%d," % (tes, jes, row)
                        + ",".join("%.9g" % out[c][i] for c in cols) + "\n")
    print("wrote", path)


def compare(name, d):
    for tes, jes in POINTS:
        exact, kept = o.apply(d, tes, jes, math="exact")
        native, kept_native = o.apply(d, tes, jes, math="numpy")
        if not np.array_equal(kept, kept_native):
            print(f"{name} ({tes}, {jes}): kept rows differ")
            continue
        pri = sum(int(np.sum(exact[c] != native[c])) for c in o.PRI)
        worst = {c: float(np.max(np.abs(exact[c].astype(np.float64) - native[c]), initial=0))
                 for c in o.PRI + o.DER}
        nan = int(np.sum(np.isnan(exact["DER_mass_vis"])))
        print(f"{name} ({tes}, {jes}): {len(kept)} kept, {pri} PRI values differ, "
              f"{nan} NaN mass_vis; max |exact - numpy-kernel| per column:")
        print("  " + ", ".join(f"{c[4:]} {v:.2g}" for c, v in worst.items() if v > 0))


def main():
    pri2025, csv2014, out_dir = sys.argv[1:4]
    samples = {"2025": load_2025(pri2025), "2014": load_2014(csv2014)}
    for name, d in samples.items():
        write(os.path.join(out_dir, f"official_float32_{name}.csv"), d)
    for name, d in samples.items():
        compare(name, d)


if __name__ == "__main__":
    main()
