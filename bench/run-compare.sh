#!/usr/bin/env bash
# Shared driver of the side-by-side comparisons (run-numerics.sh, run-vision.sh, run-siamese.sh): installs the
# Debian packages the Python anchor needs, builds bench/Manabi.Benchmarks, runs `compare KIND` (Manabi and the
# anchor on identical data in one run) and saves its Markdown table as bench/results/KIND-<UTC time>.md.
# Usage: bench/run-compare.sh KIND "DEBIAN PACKAGES" [options of compare KIND...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/peer-blas.sh
. "$root/bench/peer-blas.sh"  # the peers' OpenBLAS on the kernels this CPU supports
kind="$1"; packages="$2"; shift 2
# shellcheck disable=SC2086  # the package list is meant to split
"$root/build/ensure-prerequisites.sh" --packages $packages
dotnet build "$root/bench/Manabi.Benchmarks" -c Release -nologo -v quiet
mkdir -p "$root/bench/results"
out="$root/bench/results/$kind-$(date -u +%Y%m%d-%H%M).md"
dotnet "$root/bench/Manabi.Benchmarks/bin/Release/net10.0/linux-x64/Manabi.Benchmarks.dll" compare "$kind" --out "$out" "$@"
echo "saved $out"
