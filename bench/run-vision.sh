#!/usr/bin/env bash
# Side-by-side: Manabi.Torch vision models vs the same architectures in PyTorch (Debian python3-torch 1.13),
# batch 128, 2 threads, training and inference images/s, in one run. Debian's PyTorch needs OpenBLAS
# (libopenblas0-pthread): with the reference BLAS it is ~10x slower at matmul, an unfair anchor.
exec "$(dirname "${BASH_SOURCE[0]}")/run-compare.sh" vision "python3-torch libopenblas0-pthread" "$@"
