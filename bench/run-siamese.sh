#!/usr/bin/env bash
# Side-by-side: Manabi.Torch Siamese workloads (triplet step, NT-Xent step, one-shot episodes) vs PyTorch 1.13,
# 2 threads, in one run (bench/anchors/siamese_anchor.py). Debian's PyTorch needs OpenBLAS
# (libopenblas0-pthread): with the reference BLAS it is ~10x slower at matmul, an unfair anchor.
exec "$(dirname "${BASH_SOURCE[0]}")/run-compare.sh" siamese "python3-torch libopenblas0-pthread" "$@"
