#!/usr/bin/env bash
# Installs the PyTorch peer from the OS packages: Debian's python3-torch (1.13) with the pthreads
# OpenBLAS (libopenblas0-pthread; without it numpy/torch fall back to the reference BLAS, ~20x
# slower matrix products). Then prints the version and BLAS the peer will run with.
set -euo pipefail
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -q
$sudo apt-get install -y -q python3-torch libopenblas0-pthread
/usr/bin/python3 -c 'import torch; print("torch", torch.__version__, "threads", torch.get_num_threads()); print(torch.__config__.show())'
