"""Shared parts of the PyTorch peers of the cnflows benchmarks (eager mode, float32, CPU or CUDA).

The models are those of org.cnflows.flows.Flows: the CNF paper's 30-layer stack
(Flows.contrastivePaper(28, 0): coupling layers on contiguous halves alternating the transformed
half, even layers gated affine (Eq. 15, soft-clamped log-scale L = 3), odd layers the monotone
quadratic with linear tails (bound 5, minimum slope 1e-3), conditioners of 5 hidden layers of 64
GELU units, zero-initialized last layer) and the rational-quadratic spline coupling flow of
FlowBenchmark (flow=spline). Timing follows FlowThroughput: the median of 3 windows after a
warm-up window; each figure is printed as one RESULT line that run.py reads.
"""
import math
import re
import time

import torch
import torch.nn.functional as F


def setup(threads, device):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    return torch.device(device)


def mlp(inp, out, hidden, depth, activation):
    layers, width = [], inp
    for _ in range(depth):
        layers += [torch.nn.Linear(width, hidden), activation()]
        width = hidden
    last = torch.nn.Linear(width, out)
    torch.nn.init.zeros_(last.weight)
    torch.nn.init.zeros_(last.bias)
    return torch.nn.Sequential(*layers, last)


class Coupling(torch.nn.Module):
    """A coupling layer of cnflows' Coupling: halves split at dim // 2, `first` transforms the first."""

    def __init__(self, dim, first, params_per_feature, hidden, depth, activation):
        super().__init__()
        self.split = dim // 2
        self.first = first
        self.changed = self.split if first else dim - self.split
        self.ppf = params_per_feature
        self.net = mlp(dim - self.changed, self.changed * params_per_feature, hidden, depth, activation)

    def forward(self, x):
        a, b = x[:, : self.split], x[:, self.split:]
        keep, change = (b, a) if self.first else (a, b)
        p = self.net(keep).reshape(x.shape[0], self.changed, self.ppf)
        y, logdet = self.transform(change, p)
        out = torch.cat((y, keep), 1) if self.first else torch.cat((keep, y), 1)
        return out, logdet


class GatedAffine(Coupling):
    def transform(self, u, p):
        s = 3 * torch.tanh(p[..., 0] / 3)
        g = torch.sigmoid(p[..., 2])
        slope = g * (torch.exp(s) - 1) + 1
        return u * slope + g * p[..., 1], torch.log(slope).sum(1)


QUADRATIC_SHIFT = math.log(math.expm1(1 - 1e-3))


class Quadratic(Coupling):
    def transform(self, u, p):
        d0 = F.softplus(p[..., 0] + QUADRATIC_SHIFT) + 1e-3
        d1 = F.softplus(p[..., 1] + QUADRATIC_SHIFT) + 1e-3
        qa, qb = (d1 - d0) / 10, (d0 + d1) / 2
        uc = u.clamp(-5, 5)
        tail = torch.where(u > 0, d1, d0)
        y = (0.5 * qa * uc + qb) * uc + p[..., 2] + tail * (u - uc)
        return y, torch.log(qa * uc + qb).sum(1)


class Spline(Coupling):
    """Rational-quadratic spline with identity tails, as org.cnflows.flows.SplineTransform."""

    bins, bound, minimum = 8, 5.0, 1e-3
    shift = math.log(math.expm1(1 - 1e-3))

    def knots(self, logits):
        k = self.bins
        fractions = torch.softmax(logits, 2) * (1 - self.minimum * k) + self.minimum
        inner = torch.cumsum(fractions, 2)[..., : k - 1]
        edge = torch.zeros_like(logits[..., :1])
        return torch.cat((edge, inner, edge + 1), 2) * (2 * self.bound) - self.bound

    def transform(self, u, p):
        k = self.bins
        xk, yk = self.knots(p[..., :k]), self.knots(p[..., k: 2 * k])
        inner = F.softplus(p[..., 2 * k:] + self.shift) + self.minimum
        one = torch.ones_like(inner[..., :1])
        dk = torch.cat((one, inner, one), 2)
        inside = (u >= -self.bound) & (u <= self.bound)
        uc = u.clamp(-self.bound, self.bound)
        at = (uc.unsqueeze(2) >= xk[..., 1:k]).sum(2, keepdim=True)
        nxt = at + 1
        x0, y0 = xk.gather(2, at).squeeze(2), yk.gather(2, at).squeeze(2)
        w, h = xk.gather(2, nxt).squeeze(2) - x0, yk.gather(2, nxt).squeeze(2) - y0
        d0, d1 = dk.gather(2, at).squeeze(2), dk.gather(2, nxt).squeeze(2)
        s = h / w
        theta = (uc - x0) / w
        t1 = theta * (1 - theta)
        denominator = (d1 + d0 - 2 * s) * t1 + s
        y = y0 + h * (s * theta ** 2 + d0 * t1) / denominator
        numerator = (d1 * theta ** 2 + 2 * s * t1 + d0 * (1 - theta) ** 2) * s ** 2
        logdet = torch.log(numerator) - 2 * torch.log(denominator)
        return torch.where(inside, y, u), torch.where(inside, logdet, torch.zeros_like(logdet)).sum(1)


class Flow(torch.nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.layers = torch.nn.ModuleList(layers)

    def log_prob(self, x):
        total = torch.zeros(x.shape[0], device=x.device)
        for layer in self.layers:
            x, ld = layer(x)
            total = total + ld
        return -0.5 * (x * x).sum(1) - 0.5 * x.shape[1] * math.log(2 * math.pi) + total


def paper_stack(dim):
    """Flows.contrastivePaper(dim, 0)."""
    return Flow(
        (GatedAffine if i % 2 == 0 else Quadratic)(dim, i % 2 == 1, 3, 64, 5, torch.nn.GELU)
        for i in range(30))


def spline_flow(dim):
    """FlowBenchmark's flow=spline: 4 spline couplings (8 bins, bound 5), conditioners 2 x 64 ReLU."""
    return Flow(Spline(dim, i % 2 == 1, 3 * 8 - 1, 64, 2, torch.nn.ReLU) for i in range(4))


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def events_per_second(batch, seconds, call, device):
    """The median of 3 windows of the given length after a warm-up window."""
    rates = []
    for window in range(4):
        calls, start = 0, time.perf_counter()
        while True:
            call()
            calls += 1
            sync(device)
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        if window > 0:
            rates.append(calls * batch / elapsed)
    return sorted(rates)[1]


def report(flow, op, batch, rate):
    print(f"{flow} {op} batch {batch}: {rate:,.0f} events/s")
    print(f"RESULT impl=pytorch flow={flow} op={op} batch={batch} events_per_s={rate:.1f}", flush=True)


def header(threads, device):
    blas = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    blas = blas.group(1) if blas else "unknown BLAS"
    print(f"torch {torch.__version__} ({blas}), {threads} threads, device {device}", flush=True)
