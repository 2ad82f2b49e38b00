#!/usr/bin/env python3
"""Reference values of the monotone rational-quadratic spline with linear tails.

An independent numpy implementation (float64) of Durkan, Bekasov, Murray and Papamakarios 2019,
"Neural Spline Flows", Sec. 3.1 and App. A, with the parameterization of
org.cnflows.flows.SplineTransform:

  widths  = min_width  + (1 - min_width  K) softmax(params[0:K])        (fractions of 2B)
  heights = min_height + (1 - min_height K) softmax(params[K:2K])
  inner derivatives d_1..d_{K-1} = min_derivative + softplus(params[2K:] + log(exp(1 - min_derivative) - 1))
  boundary derivatives d_0 = d_K = 1; identity (log-det 0) outside [-B, B].

The bin is found with np.searchsorted (the Java side counts knots instead). The script checks its own
forward against a finite-difference derivative and its own inverse, then writes
flows-core/src/test/resources/spline_reference.csv, read by SplineReferenceTest: per row the
configuration, x, y = f(x), log |dy/dx|, the inverse of y rounded to float32 and log |dx/dy| there,
then the 3K - 1 parameters (float32 values).
Run: python3 flows-core/src/test/python/spline_reference.py
"""
import os

import numpy as np

SEED = 20191102
# (bins K, bound B, min_width, min_height, min_derivative, parameter scale, rows)
CONFIGS = [
    (10, 7.0, 1e-3, 1e-3, 1e-3, 1.0, 40),  # the thesis's T3 layers, nflows' default minima
    (10, 7.0, 1e-3, 1e-3, 1e-3, 3.0, 40),  # the same with steep bins
    (4, 2.0, 0.05, 0.1, 0.2, 2.0, 40),  # distinct minima, so that each one matters
]


def softplus(v):
    return np.logaddexp(0.0, v)


def geometry(params, bins, bound, min_width, min_height, min_derivative):
    """Knots (x, y) of shape (K + 1,) and derivatives d of shape (K + 1,) for one feature."""

    def knots(logits, minimum):
        e = np.exp(logits - logits.max())
        fractions = minimum + (1 - minimum * bins) * e / e.sum()
        k = np.concatenate([[0.0], np.cumsum(fractions)])
        k[-1] = 1.0
        return -bound + 2 * bound * k

    xs = knots(params[:bins], min_width)
    ys = knots(params[bins : 2 * bins], min_height)
    shift = np.log(np.expm1(1 - min_derivative))
    inner = min_derivative + softplus(params[2 * bins :] + shift)
    ds = np.concatenate([[1.0], inner, [1.0]])
    return xs, ys, ds


def forward(x, params, cfg):
    bins, bound = cfg[0], cfg[1]
    if x < -bound or x > bound:
        return x, 0.0
    xs, ys, ds = geometry(params, *cfg[:5])
    k = min(np.searchsorted(xs, x, side="right") - 1, bins - 1)
    w, h = xs[k + 1] - xs[k], ys[k + 1] - ys[k]
    s = h / w
    t = (x - xs[k]) / w
    denominator = s + (ds[k + 1] + ds[k] - 2 * s) * t * (1 - t)
    y = ys[k] + h * (s * t * t + ds[k] * t * (1 - t)) / denominator
    slope = s * s * (ds[k + 1] * t * t + 2 * s * t * (1 - t) + ds[k] * (1 - t) ** 2) / denominator**2
    return y, np.log(slope)


def inverse(y, params, cfg):
    bins, bound = cfg[0], cfg[1]
    if y < -bound or y > bound:
        return y
    xs, ys, ds = geometry(params, *cfg[:5])
    k = min(np.searchsorted(ys, y, side="right") - 1, bins - 1)
    w, h = xs[k + 1] - xs[k], ys[k + 1] - ys[k]
    s = h / w
    dy = y - ys[k]
    c = ds[k + 1] + ds[k] - 2 * s
    a = h * (s - ds[k]) + dy * c
    b = h * ds[k] - dy * c
    q = -s * dy
    t = 2 * q / (-b - np.sqrt(b * b - 4 * a * q))
    return xs[k] + t * w


def main():
    rng = np.random.default_rng(SEED)
    rows = []
    for cfg in CONFIGS:
        bins, bound, _, _, _, scale, n = cfg
        fixed = [-bound, bound, 0.0, -1e3, 1e3, -bound * 1.0001, bound * 1.0001]
        inputs = fixed + list(rng.uniform(-1.1 * bound, 1.1 * bound, n - len(fixed)))
        for x in inputs:
            x = float(np.float32(x))
            params = rng.normal(0.0, scale, 3 * bins - 1).astype(np.float32).astype(np.float64)
            y, logdet = forward(x, params, cfg)
            assert abs(inverse(y, params, cfg) - x) < 1e-9 * max(1.0, abs(x)), (cfg, x)
            if -bound < x - 1e-6 and x + 1e-6 < bound:
                numeric = (forward(x + 1e-6, params, cfg)[0] - forward(x - 1e-6, params, cfg)[0]) / 2e-6
                assert abs(np.log(numeric) - logdet) < 1e-4, (cfg, x, numeric, logdet)
            # The Java side inverts y rounded to float32: its exact inverse and log |dx/dy| there.
            x_inverse = inverse(float(np.float32(y)), params, cfg)
            logdet_inverse = -forward(x_inverse, params, cfg)[1]
            rows.append(list(cfg[:5]) + [x, y, logdet, x_inverse, logdet_inverse] + list(params))
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "spline_reference.csv")
    with open(out, "w") as f:
        f.write("# written by flows-core/src/test/python/spline_reference.py (numpy %s, seed %d)\n"
                % (np.__version__, SEED))
        f.write("# bins,bound,min_width,min_height,min_derivative,x,y,logabsdet,"
                "x_inverse,logabsdet_inverse,params[0..3K-2]\n")
        for r in rows:
            f.write(",".join(repr(float(v)) for v in r) + "\n")
    print("wrote %d rows to %s" % (len(rows), os.path.normpath(out)))


if __name__ == "__main__":
    main()
