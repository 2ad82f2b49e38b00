"""PyTorch eager counterpart of FlowBenchmark (flow=paper): the CNF paper's 30-layer stack.

Same architecture as org.cnflows.flows.Flows.contrastivePaper(28, 0): coupling layers on contiguous
halves alternating the transformed half, even layers gated affine (Eq. 15, soft-clamped log-scale
L = 3), odd layers the monotone quadratic with linear tails (bound 5, minimum slope 1e-3), each
with an MLP conditioner of 5 hidden layers of 64 GELU units, standard normal base, Adam.
Prints batches/s and events/s of log-density evaluation and of training steps.

Usage: /usr/bin/python3 paper_stack_torch.py [batch] [dim] [threads]   (Debian's python3-torch)
"""
import math
import sys
import time

import torch
import torch.nn.functional as F

BATCH = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
DIM = int(sys.argv[2]) if len(sys.argv) > 2 else 28
THREADS = int(sys.argv[3]) if len(sys.argv) > 3 else 2
torch.set_num_threads(THREADS)
torch.manual_seed(1)


def mlp(inp, out):
    layers, width = [], inp
    for _ in range(5):
        layers += [torch.nn.Linear(width, 64), torch.nn.GELU()]
        width = 64
    last = torch.nn.Linear(64, out)
    torch.nn.init.zeros_(last.weight)
    torch.nn.init.zeros_(last.bias)
    return torch.nn.Sequential(*layers, last)


class Coupling(torch.nn.Module):
    def __init__(self, dim, index):
        super().__init__()
        self.split = dim // 2
        self.first = index % 2 == 1
        self.gated = index % 2 == 0
        changed = self.split if self.first else dim - self.split
        self.changed = changed
        self.net = mlp(dim - changed, changed * 3)

    def forward(self, x):
        a, b = x[:, : self.split], x[:, self.split :]
        keep, change = (b, a) if self.first else (a, b)
        p = self.net(keep).reshape(x.shape[0], self.changed, 3)
        if self.gated:
            s = 3 * torch.tanh(p[..., 0] / 3)
            g = torch.sigmoid(p[..., 2])
            slope = g * (torch.exp(s) - 1) + 1
            y = change * slope + g * p[..., 1]
            logdet = torch.log(slope).sum(1)
        else:
            shift = math.log(math.expm1(1 - 1e-3))
            d0 = F.softplus(p[..., 0] + shift) + 1e-3
            d1 = F.softplus(p[..., 1] + shift) + 1e-3
            qa, qb = (d1 - d0) / 10, (d0 + d1) / 2
            uc = change.clamp(-5, 5)
            tail = torch.where(change > 0, d1, d0)
            y = (0.5 * qa * uc + qb) * uc + p[..., 2] + tail * (change - uc)
            logdet = torch.log(qa * uc + qb).sum(1)
        out = torch.cat((y, keep), 1) if self.first else torch.cat((keep, y), 1)
        return out, logdet


class Flow(torch.nn.Module):
    def __init__(self, dim, layers=30):
        super().__init__()
        self.layers = torch.nn.ModuleList(Coupling(dim, i) for i in range(layers))

    def log_prob(self, x):
        total = torch.zeros(x.shape[0])
        for layer in self.layers:
            x, ld = layer(x)
            total = total + ld
        return -0.5 * (x * x).sum(1) - 0.5 * x.shape[1] * math.log(2 * math.pi) + total


def rate(fn, seconds=6.0):
    for _ in range(3):
        fn()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        n += 1
    return n / (time.perf_counter() - start)


flow = Flow(DIM)
x = torch.randn(BATCH, DIM)
opt = torch.optim.Adam(flow.parameters(), lr=1e-3)


def evaluate():
    with torch.no_grad():
        flow.log_prob(x).numpy()


def step():
    opt.zero_grad()
    loss = -flow.log_prob(x).mean()
    loss.backward()
    opt.step()


print(f"torch {torch.__version__}, {THREADS} threads, batch {BATCH}, dim {DIM}")
for name, fn in (("logProb", evaluate), ("trainStep", step)):
    r = rate(fn)
    print(f"{name}: {r:.2f} batches/s = {r * BATCH:,.0f} events/s")
