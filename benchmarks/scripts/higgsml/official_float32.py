"""float32 transcription of the challenge's systematics, post-selection and DER formulas.

The challenge's ingestion code works on pandas columns of dtype float32, so every arithmetic step
(+, -, *, /, **2, sqrt, the rounding to 3 decimals) is a float32 operation whose result is
rounded to float32; python scalars (tes, jes, (1 - tes) / tes, 3 pi, 1e-4) enter as float32.
This module repeats those steps in the official order, one float32 operation per official one,
with two deliberate choices:

* Elementary functions (sin, cos, sinh, cosh, exp, arctan2): numpy's own float32 kernels are SIMD
  approximations whose last bit depends on the CPU (AVX512 / AVX2 / baseline). With
  math="exact" (the default, the reference the Java tests compare with) each is evaluated in
  float64 and rounded to float32, i.e. the correctly rounded float32 value. With math="numpy"
  they are numpy's float32 kernels, which is what the official code computes on this machine;
  make_reference.py reports how far the two are apart.
* soft_met > 0 is not transcribed (the official code switches MET to float64 there and draws
  from its own seed); the references use soft_met = 0.

The official code builds the (1 - scale) MET correction from the scaled momentum and the factor
(1 - scale) / scale, skips the tes (jes) step entirely when tes (jes) == 1, rounds with numpy's
float32 round (x * 1000 in float32, rint, / 1000 in float32), leaves the jet removal's
PRI_jet_all_pt subtraction unrounded, and writes -25 for undefined DER values.
"""
import numpy as np

F = np.float32
MISSING = F(-25.0)
PRI = ["PRI_lep_pt", "PRI_lep_eta", "PRI_lep_phi", "PRI_had_pt", "PRI_had_eta", "PRI_had_phi",
       "PRI_jet_leading_pt", "PRI_jet_leading_eta", "PRI_jet_leading_phi",
       "PRI_jet_subleading_pt", "PRI_jet_subleading_eta", "PRI_jet_subleading_phi",
       "PRI_n_jets", "PRI_jet_all_pt", "PRI_met", "PRI_met_phi"]
DER = ["DER_mass_transverse_met_lep", "DER_mass_vis", "DER_pt_h", "DER_deltaeta_jet_jet",
       "DER_mass_jet_jet", "DER_prodeta_jet_jet", "DER_deltar_had_lep", "DER_pt_tot", "DER_sum_pt",
       "DER_pt_ratio_lep_had", "DER_met_phi_centrality", "DER_lep_eta_centrality"]


class Math32:
    """float32 elementary functions: correctly rounded ("exact") or numpy's kernels ("numpy")."""

    def __init__(self, kind):
        if kind not in ("exact", "numpy"):
            raise ValueError("math must be 'exact' or 'numpy', not %r" % kind)
        self.kind = kind

    def _f(self, fn, *xs):
        for x in xs:
            assert x.dtype == np.float32, x.dtype
        if self.kind == "numpy":
            return fn(*xs)
        return fn(*(x.astype(np.float64) for x in xs)).astype(np.float32)

    def sin(self, x):
        return self._f(np.sin, x)

    def cos(self, x):
        return self._f(np.cos, x)

    def sinh(self, x):
        return self._f(np.sinh, x)

    def cosh(self, x):
        return self._f(np.cosh, x)

    def exp(self, x):
        return self._f(np.exp, x)

    def arctan2(self, y, x):
        return self._f(np.arctan2, y, x)


def round3(x):
    """numpy's round(x, 3) on a float32 array: every step in float32."""
    assert x.dtype == np.float32
    return np.rint(x * F(1000.0)) / F(1000.0)


def systematics(d, tes, jes, m):
    """PRI after tes/jes, MET correction, rounding and post-selection; returns (pri, kept rows)."""
    d = {k: v.copy() for k, v in d.items()}
    n = d["PRI_n_jets"]
    mx = d["PRI_met"] * m.cos(d["PRI_met_phi"])
    my = d["PRI_met"] * m.sin(d["PRI_met_phi"])
    if tes != 1.0:
        d["PRI_had_pt"] = d["PRI_had_pt"] * F(tes)
        factor = F((1.0 - tes) / tes)
        mx = mx + (d["PRI_had_pt"] * m.cos(d["PRI_had_phi"])) * factor
        my = my + (d["PRI_had_pt"] * m.sin(d["PRI_had_phi"])) * factor
    if jes != 1.0:
        for jet, least in (("leading", 1), ("subleading", 2)):
            pt = f"PRI_jet_{jet}_pt"
            d[pt] = np.where(n >= least, d[pt] * F(jes), d[pt])
        d["PRI_jet_all_pt"] = d["PRI_jet_all_pt"] * F(jes)
        factor = F((1.0 - jes) / jes)
        for jet, least in (("leading", 1), ("subleading", 2)):
            has = n >= least
            pt = np.where(has, d[f"PRI_jet_{jet}_pt"], F(0))
            phi = np.where(has, d[f"PRI_jet_{jet}_phi"], F(0))
            mx = mx + (pt * m.cos(phi)) * factor
            my = my + (pt * m.sin(phi)) * factor
    d["PRI_met"] = np.sqrt(mx * mx + my * my)
    d["PRI_met_phi"] = m.arctan2(my, mx)
    for c in PRI:
        if c != "PRI_n_jets":
            d[c] = round3(d[c])
    kept = np.flatnonzero(d["PRI_had_pt"] >= F(26))
    d = {k: v[kept] for k, v in d.items()}
    for jet in ("subleading", "leading"):
        pt = d[f"PRI_jet_{jet}_pt"]
        soft = (pt >= F(0)) & (pt <= F(26))
        d["PRI_jet_all_pt"] = np.where(soft, d["PRI_jet_all_pt"] - pt, d["PRI_jet_all_pt"])
        d["PRI_n_jets"] = np.where(soft, d["PRI_n_jets"] - F(1), d["PRI_n_jets"])
        for q in ("pt", "eta", "phi"):
            d[f"PRI_jet_{jet}_{q}"] = np.where(soft, MISSING, d[f"PRI_jet_{jet}_{q}"])
    lep = d["PRI_lep_pt"] >= F(20)
    return {k: v[lep] for k, v in d.items()}, kept[lep]


def derived(d, m):
    """The 12 DER columns from the PRI columns, float32 step by step."""
    n = d["PRI_n_jets"]
    one = (n >= F(1)).astype(np.float32)
    two = (n >= F(2)).astype(np.float32)
    v = {}
    for p in ("had", "lep"):
        pt, eta, phi = (d[f"PRI_{p}_{q}"] for q in ("pt", "eta", "phi"))
        v[p] = (pt * m.cos(phi), pt * m.sin(phi), pt * m.sinh(eta), pt * m.cosh(eta))
    for jet, has in (("leading", one), ("subleading", two)):
        pt, eta, phi = (d[f"PRI_jet_{jet}_{q}"] for q in ("pt", "eta", "phi"))
        v[jet] = tuple(c * has for c in (pt * m.cos(phi), pt * m.sin(phi), pt * m.sinh(eta),
                                         pt * m.cosh(eta)))
    hx, hy, hz, he = v["had"]
    lx, ly, lz, le = v["lep"]
    x1, y1, z1, e1 = v["leading"]
    x2, y2, z2, e2 = v["subleading"]
    met, mphi = d["PRI_met"], d["PRI_met_phi"]
    mx, my = met * m.cos(mphi), met * m.sin(mphi)
    r = {}
    a = met + d["PRI_lep_pt"]
    ci = a * a - (mx + lx) * (mx + lx) - (my + ly) * (my + ly)
    r["DER_mass_transverse_met_lep"] = np.sqrt(ci * (ci >= F(0)).astype(np.float32))
    e, x, y, z = le + he, lx + hx, ly + hy, lz + hz
    with np.errstate(invalid="ignore"):
        r["DER_mass_vis"] = np.sqrt(e * e - x * x - y * y - z * z)
    sx, sy = hx + lx + mx, hy + ly + my
    r["DER_pt_h"] = np.sqrt(sx * sx + sy * sy)
    jets2 = n >= F(2)
    eta1, eta2 = d["PRI_jet_leading_eta"], d["PRI_jet_subleading_eta"]
    r["DER_deltaeta_jet_jet"] = np.where(jets2, np.abs(eta2 - eta1), MISSING)
    e, x, y, z = e1 + e2, x1 + x2, y1 + y2, z1 + z2
    ci = e * e - x * x - y * y - z * z
    r["DER_mass_jet_jet"] = np.where(
        jets2, np.sqrt(ci * (ci >= F(0)).astype(np.float32)), MISSING)
    r["DER_prodeta_jet_jet"] = np.where(jets2, eta1 * eta2, MISSING)
    deta = d["PRI_lep_eta"] - d["PRI_had_eta"]
    dphi = np.mod(d["PRI_lep_phi"] - d["PRI_had_phi"] + F(3 * np.pi), F(2 * np.pi)) - F(np.pi)
    dphi = np.abs(dphi)
    r["DER_deltar_had_lep"] = np.sqrt(deta * deta + dphi * dphi)
    sx, sy = hx + lx + mx + x1 + x2, hy + ly + my + y1 + y2
    r["DER_pt_tot"] = np.sqrt(sx * sx + sy * sy)
    r["DER_sum_pt"] = d["PRI_had_pt"] + d["PRI_lep_pt"] + d["PRI_jet_all_pt"]
    r["DER_pt_ratio_lep_had"] = d["PRI_lep_pt"] / d["PRI_had_pt"]

    def centrality(lep_phi):
        had_phi = d["PRI_had_phi"]
        s = np.sign(m.sin(had_phi - lep_phi))
        a = m.sin(mphi - lep_phi) * s
        b = m.sin(had_phi - mphi) * s
        den = np.sqrt(a * a + b * b)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den != F(0), (a + b) / den, MISSING), den == F(0)

    c, zero = centrality(d["PRI_lep_phi"])
    retry, _ = centrality(d["PRI_lep_phi"] + F(1e-4))
    r["DER_met_phi_centrality"] = np.where(zero, retry, c)
    diff = (eta1 - eta2) * (eta1 - eta2)
    diff = np.where(diff == F(0), diff + F(1e-4), diff)
    mean = (eta1 + eta2) / F(2)
    t = d["PRI_lep_eta"] - mean
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        cen = m.exp((F(-4) / diff) * (t * t))
    r["DER_lep_eta_centrality"] = np.where(jets2, cen, MISSING)
    for k, val in r.items():
        assert val.dtype == np.float32, (k, val.dtype)
    return r


def apply(d, tes, jes, math="exact"):
    """Systematics at (tes, jes, soft_met = 0), post-selection, DER: (columns, kept input rows)."""
    m = Math32(math)
    for k in PRI:
        assert d[k].dtype == np.float32, k
    out, kept = systematics({k: d[k] for k in PRI}, tes, jes, m)
    out.update(derived(out, m))
    return out, kept
