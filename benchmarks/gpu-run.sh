#!/usr/bin/env bash
# The GPU benchmarks in one command: builds with a GPU profile, runs the flow, CNF and Phi
# benchmarks and the analysis smoke preset on the GPU, and prints the same table as
# benchmarks/peers/run.py (with the PyTorch peer too if this python has CUDA).
#
#   benchmarks/gpu-run.sh [cu121|cu124]        # profile, default cu121 (DJL 0.29.0, PyTorch 2.3.1)
#   PYTORCH_LIBRARY_PATH=/opt/libtorch/lib PYTORCH_VERSION=2.7.1 benchmarks/gpu-run.sh
#        # a local libtorch (CUDA newer than the jars): the default build (DJL 0.35.1, whose JNI is
#        # for PyTorch 2.7.1) loads it instead of the CPU natives jar
#
# Without a GPU (no working nvidia-smi) the GPU benchmarks are skipped, exit status 0;
# CNFLOWS_GPU_RUN_FALLBACK=cpu runs the same steps on the CPU instead (short settings), which is
# how this script is exercised on machines without a GPU.
# Environment: EVENTS (Phi events, default 1000000), BATCHES (default 1024,8192,65536),
# SECONDS_PER_WINDOW (default 4), THREADS (PyTorch CPU threads, default 2), PEER_PYTHON.
set -euo pipefail
cd "$(dirname "$0")/.."
# glibc malloc keeps PyTorch's freed temporaries for reuse instead of returning them to the kernel
# (benchmarks/README.md, "glibc malloc"); the host side of a GPU run allocates the same way.
export MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-67108864}
export MALLOC_TRIM_THRESHOLD_=${MALLOC_TRIM_THRESHOLD_:-1073741824}
export MALLOC_TOP_PAD_=${MALLOC_TOP_PAD_:-67108864}
profile=${1:-cu121}
device=gpu
events=${EVENTS:-1000000}
batches=${BATCHES:-1024,8192,65536}
seconds=${SECONDS_PER_WINDOW:-4}
threads=${THREADS:-2}

if ! nvidia-smi -L >/dev/null 2>&1; then
  if [ "${CNFLOWS_GPU_RUN_FALLBACK:-}" != "cpu" ]; then
    echo "gpu-run: no GPU found (nvidia-smi -L failed): GPU benchmarks skipped"
    echo "gpu-run: set CNFLOWS_GPU_RUN_FALLBACK=cpu to run the same steps on the CPU"
    exit 0
  fi
  echo "gpu-run: no GPU found: running the same steps on the CPU (CNFLOWS_GPU_RUN_FALLBACK=cpu)"
  device=cpu
  profile=""
  events=${EVENTS:-10000}
  batches=${BATCHES:-256}
  seconds=${SECONDS_PER_WINDOW:-1}
  threads=${THREADS:-1}
else
  nvidia-smi -L
fi

build=(mvn -B -q -DskipTests package)
if [ -n "${PYTORCH_LIBRARY_PATH:-}" ]; then
  echo "gpu-run: local libtorch from PYTORCH_LIBRARY_PATH=$PYTORCH_LIBRARY_PATH (default build)"
elif [ -n "$profile" ]; then
  build+=(-P "$profile")
fi
echo "gpu-run: ${build[*]}"
"${build[@]}"

java_opts=(-Dai.djl.pytorch.num_threads="$threads")
echo "== flows, CNF training (JMH) on $device"
java "${java_opts[@]}" -jar benchmarks/target/benchmarks.jar CnfBenchmark -p device="$device" \
  -p batch="${batches%%,*}" -wi 1 -i 2 -w "${seconds}s" -r "${seconds}s" -f 1 \
  -jvmArgsAppend "${java_opts[*]}" | grep -E "^(Benchmark|CnfBenchmark)|GEMM bound"

echo "== the analysis smoke preset on $device"
out=$(mktemp -d)
java "${java_opts[@]}" -jar examples/target/cnflows-examples.jar higgsml --preset smoke \
  --device "$device" --out "$out" | tail -n 5
rm -rf "$out"

echo "== flows and Phi on $device, with the peer if this python has CUDA"
peer=(--no-peer)
python=${PEER_PYTHON:-/usr/bin/python3}
want="cpu"
if [ "$device" = gpu ]; then want="cuda"; fi
if "$python" -c "import torch, sys; sys.exit(0 if '$want' == 'cpu' or torch.cuda.is_available() else 1)" 2>/dev/null; then
  peer=(--python "$python")
fi
python3 benchmarks/peers/run.py --device "$device" --batches "$batches" --seconds "$seconds" \
  --threads "$threads" --phi-events "$events" "${peer[@]}"
