"""PyTorch peer of org.cnflows.bench.contrastive.PhiThroughput: Phi = sigmoid(log p) of 8 CNFs of
the paper's architecture on N events of 28 features, in chunks of `batch` events, all 8 columns
read back to the host once at the end (as cnflows' BatchEvaluator).

Usage: python3 phi_cnfs.py [events [batch [threads [device]]]]   defaults: 1000000 8192 2 cpu
"""
import sys
import time

import torch

import common

EVENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
BATCH = int(sys.argv[2]) if len(sys.argv) > 2 else 8192
THREADS = int(sys.argv[3]) if len(sys.argv) > 3 else 2
DEVICE = common.setup(THREADS, sys.argv[4] if len(sys.argv) > 4 else "cpu")
DIM = 28
common.header(THREADS, DEVICE)

flows = [common.paper_stack(DIM).to(DEVICE) for _ in range(8)]
x = torch.randn(EVENTS, DIM)


def phi(events):
    parts = []
    with torch.no_grad():
        for start in range(0, events.shape[0], BATCH):
            chunk = events[start: start + BATCH].to(DEVICE)
            parts.append(torch.stack([torch.sigmoid(f.log_prob(chunk)) for f in flows]))
        return torch.cat(parts, 1).cpu().numpy()


phi(x[: 2 * BATCH])
start = time.perf_counter()
phi(x)
seconds = time.perf_counter() - start
print(f"Phi of 8 CNFs for {EVENTS:,} events (batch {BATCH}): {seconds:.1f} s, {EVENTS / seconds:,.0f} events/s")
print(f"RESULT impl=pytorch flow=phi8 op=phi batch={BATCH} events_per_s={EVENTS / seconds:.1f}", flush=True)
