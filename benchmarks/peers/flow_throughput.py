"""PyTorch peer of org.cnflows.bench.flows.FlowThroughput: log-density and Adam training step.

log-density: one batch under torch.no_grad(), read back to the host (numpy). Training step: Adam
on maximum likelihood, each batch drawn from 8 batches of standard normal rows in epochs of a
shuffle (as cnflows' Trainer), zero_grad, backward, step.

Usage: python3 flow_throughput.py [flow [batches [seconds [dim [threads [device]]]]]]
       defaults: paper 1024,8192 4 28 2 cpu    (flow: paper or spline)
"""
import sys

import torch

import common

FLOW = sys.argv[1] if len(sys.argv) > 1 else "paper"
BATCHES = [int(b) for b in (sys.argv[2] if len(sys.argv) > 2 else "1024,8192").split(",")]
SECONDS = float(sys.argv[3]) if len(sys.argv) > 3 else 4
DIM = int(sys.argv[4]) if len(sys.argv) > 4 else 28
THREADS = int(sys.argv[5]) if len(sys.argv) > 5 else 2
DEVICE = common.setup(THREADS, sys.argv[6] if len(sys.argv) > 6 else "cpu")
common.header(THREADS, DEVICE)
build = {"paper": common.paper_stack, "spline": common.spline_flow}[FLOW]

for batch in BATCHES:
    flow = build(DIM).to(DEVICE)
    x = torch.randn(batch, DIM, device=DEVICE)

    def log_prob():
        with torch.no_grad():
            flow.log_prob(x).cpu().numpy()

    common.report(FLOW, "logProb", batch, common.events_per_second(batch, SECONDS, log_prob, DEVICE))

    data = torch.randn(8 * batch, DIM, device=DEVICE)
    opt = torch.optim.Adam(flow.parameters(), lr=1e-3)
    order = {"perm": torch.randperm(8 * batch, device=DEVICE), "at": 0}

    def step():
        if order["at"] + batch > 8 * batch:
            order["perm"], order["at"] = torch.randperm(8 * batch, device=DEVICE), 0
        rows = data[order["perm"][order["at"]: order["at"] + batch]]
        order["at"] += batch
        opt.zero_grad()
        loss = -flow.log_prob(rows).mean()
        loss.backward()
        opt.step()

    common.report(FLOW, "trainStep", batch, common.events_per_second(batch, SECONDS, step, DEVICE))
