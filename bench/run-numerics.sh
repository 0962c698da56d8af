#!/usr/bin/env bash
# Side-by-side: Manabi.Numerics vs scipy/numpy (Debian python3-scipy/python3-numpy) on identical data,
# in one run on this machine. Prints a Markdown table of ratios and saves it under bench/results/.
# numpy is given its best BLAS (OpenBLAS) when running as root; Debian's default reference LAPACK
# is about 8x slower on eigh and would flatter Manabi.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/build/ensure-prerequisites.sh" --packages python3-numpy python3-scipy python3-threadpoolctl libopenblas0-pthread
dotnet build "$root/bench/Manabi.Benchmarks" -c Release -nologo -v quiet
mkdir -p "$root/bench/results"
out="$root/bench/results/numerics-$(date -u +%Y%m%d-%H%M).md"
dotnet "$root/bench/Manabi.Benchmarks/bin/Release/net10.0/linux-x64/Manabi.Benchmarks.dll" compare numerics --out "$out" "$@"
echo "saved $out"
