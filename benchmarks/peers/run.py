"""Runs cnflows and its PyTorch peer one after the other on this machine and prints the ratio table.

For each workload the cnflows main (benchmarks/target/benchmarks.jar, built with
`mvn -B -DskipTests package`) runs first, then the peer script with the same thread count, batch
sizes and device; every figure comes from the RESULT lines both print. The table gives events/s,
cnflows' fraction of the GEMM bound it measured in the same run, and cnflows / PyTorch.

Usage: python3 benchmarks/peers/run.py [--batches 1024,8192] [--threads 2] [--seconds 4]
           [--device cpu] [--phi-events 100000] [--only paper,spline,phi] [--python /usr/bin/python3] [--no-peer]
           [--default-malloc] [--repeat N]
Install the peer first: benchmarks/peers/install-peer.sh (Debian's python3-torch).
"""
import argparse
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
JAR = os.path.join(ROOT, "benchmarks", "target", "benchmarks.jar")
# glibc malloc keeps freed blocks below 64 MB on its heap instead of unmapping them, so PyTorch's
# per-operation temporaries (~2 MB at batch 8192 x 64 floats) are reused rather than faulted back
# in zeroed pages on every operation (benchmarks/README.md, "glibc malloc"); set for both sides.
MALLOC_TUNING = {
    "MALLOC_MMAP_THRESHOLD_": "67108864",
    "MALLOC_TRIM_THRESHOLD_": "1073741824",
    "MALLOC_TOP_PAD_": "67108864",
}
ENV = dict(os.environ)


def run(command):
    print("$ " + " ".join(command), flush=True)
    process = subprocess.run(command, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    results = []
    for line in process.stdout.splitlines():
        if line.startswith("RESULT "):
            results.append(dict(field.split("=", 1) for field in line.split()[1:]))
        elif not line.startswith("["):
            print("  " + line)
    if process.returncode != 0:
        sys.exit(f"failed ({process.returncode}): {' '.join(command)}")
    return results


def java(args, main, *arguments):
    command = ["java", f"-Dai.djl.pytorch.num_threads={args.threads}", f"-Dcnflows.device={args.device}"]
    return run(command + ["-cp", JAR, main] + [str(a) for a in arguments])


def peer(args, script, *arguments):
    if args.no_peer:
        return []
    return run([args.python, os.path.join(HERE, script)] + [str(a) for a in arguments])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", default="1024,8192")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--device", default="cpu", help="cpu or gpu (cuda for the peer)")
    parser.add_argument("--phi-events", type=int, default=100_000)
    parser.add_argument("--only", default="paper,spline,phi")
    parser.add_argument("--python", default="/usr/bin/python3")
    parser.add_argument("--no-peer", action="store_true", help="run cnflows only (no PyTorch here)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of cnflows-then-peer; medians reported")
    parser.add_argument("--default-malloc", action="store_true", help="keep glibc's malloc defaults")
    args = parser.parse_args()
    if not os.path.exists(JAR):
        sys.exit(f"{JAR} is missing: build it with mvn -B -DskipTests package")
    if not args.default_malloc:
        for key, value in MALLOC_TUNING.items():
            ENV.setdefault(key, value)
    torch_device = "cuda" if args.device.startswith("gpu") else "cpu"
    rows = []
    for _ in range(args.repeat):
        for flow in ("paper", "spline"):
            if flow in args.only:
                rows += java(args, "org.cnflows.bench.flows.FlowThroughput", flow, args.batches, args.seconds)
                rows += peer(args, "flow_throughput.py", flow, args.batches, args.seconds, 28, args.threads, torch_device)
        if "phi" in args.only:
            batch = args.batches.split(",")[-1]
            rows += java(args, "org.cnflows.bench.contrastive.PhiThroughput", args.phi_events, batch)
            rows += peer(args, "phi_cnfs.py", args.phi_events, batch, args.threads, torch_device)
    table = {}
    for r in rows:
        table.setdefault((r["flow"], r["op"], int(r["batch"])), {}).setdefault(r["impl"], []).append(r)
    malloc = "glibc malloc defaults" if args.default_malloc else "tuned glibc malloc"
    print(f"\n{args.threads} threads, device {args.device}, {malloc}, median of {args.repeat} round(s)\n")
    print("| flow | operation | batch | cnflows events/s | of GEMM bound | PyTorch events/s | cnflows / PyTorch |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for (flow, op, batch), impls in table.items():
        ours, theirs = impls.get("cnflows", []), impls.get("pytorch", [])
        rate = median([float(r["events_per_s"]) for r in ours])
        fraction = median([float(r["events_per_s"]) / float(r["gemm_bound"]) for r in ours])
        peer_rate = median([float(r["events_per_s"]) for r in theirs])
        ratio = f"{rate / peer_rate:.2f}" if rate and peer_rate else ""
        fraction = f"{100 * fraction:.0f}%" if fraction else ""
        print(f"| {flow} | {op} | {batch} | {rate or 0:,.0f} | {fraction} | {peer_rate or 0:,.0f} | {ratio} |")


def median(values):
    return statistics.median(values) if values else None


if __name__ == "__main__":
    main()
