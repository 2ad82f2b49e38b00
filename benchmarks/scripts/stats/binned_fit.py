"""The binned template fit of BinnedFitBenchmark in numpy/scipy, timed for comparison.

Same model as org.cnflows.stats.toys.ToyTemplates.peakOnFallingBackground(100, 11): natural cubic
spline weights per nuisance axis (scipy CubicSpline on the identity), tensor product over the
11 x 11 grid, Poisson NLL relative to the saturated model plus N(0, 1) constraints. The pseudo-data
differ from the Java run (another random generator); the fit problem is the same.
Usage: python3 binned_fit.py [seconds]
"""
import sys
import time

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.optimize import minimize

BINS, GRID = 100, 11
axis = np.linspace(-3, 3, GRID)
x = (np.arange(BINS) + 0.5) / BINS
A, B = np.meshgrid(axis, axis, indexing="ij")
sig = 20 * np.exp(-0.5 * ((x[None, None, :] - 0.7 - 0.05 * A[..., None]) / 0.08) ** 2)
bkg = 100 * np.exp(-2 * x)[None, None, :] * (1 + 0.05 * B[..., None] * (x - 0.5)[None, None, :])
weights = CubicSpline(axis, np.eye(GRID), bc_type="natural")


def expected(theta):
    mu, a, b = theta
    wa, wb = weights(a), weights(b)
    return mu * np.einsum("i,j,ijk->k", wa, wb, sig) + np.einsum("i,j,ijk->k", wa, wb, bkg)


def nll(theta, n):
    e = np.maximum(expected(theta), np.finfo(float).tiny)
    pos = n > 0
    terms = e - n
    terms[pos] += n[pos] * (np.log(n[pos]) - np.log(e[pos]))
    return terms.sum() + 0.5 * (theta[1] ** 2 + theta[2] ** 2)


rng = np.random.default_rng(1)
n = rng.poisson(expected((1.0, 0.5, -0.5))).astype(float)
bounds = [(-2, 5), (-3, 3), (-3, 3)]
x0 = np.array([1.0, 0.0, 0.0])
seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
for method in ("Powell", "L-BFGS-B"):
    res = minimize(nll, x0, args=(n,), method=method, bounds=bounds)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        minimize(nll, x0, args=(n,), method=method, bounds=bounds)
        count += 1
    rate = count / (time.perf_counter() - start)
    print(f"{method}: {rate:.1f} fits/s, mu-hat {res.x[0]:.4f}, nfev {res.nfev}")
