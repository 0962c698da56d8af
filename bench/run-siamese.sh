#!/usr/bin/env bash
# Side-by-side: Manabi.Torch Siamese workloads (triplet step, NT-Xent step, one-shot episodes) vs PyTorch 1.13,
# 2 threads, in one run (bench/anchors/siamese_anchor.py). Debian's PyTorch needs OpenBLAS
# (libopenblas0-pthread): with the reference BLAS it is ~10x slower at matmul, an unfair anchor.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/build/ensure-prerequisites.sh" --packages python3-torch libopenblas0-pthread
dotnet build "$root/bench/Manabi.Benchmarks" -c Release -nologo -v quiet
mkdir -p "$root/bench/results"
out="$root/bench/results/siamese-$(date -u +%Y%m%d-%H%M).md"
dotnet "$root/bench/Manabi.Benchmarks/bin/Release/net10.0/linux-x64/Manabi.Benchmarks.dll" compare siamese --out "$out" "$@"
echo "saved $out"
