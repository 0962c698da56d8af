#!/usr/bin/env bash
# Manabi.VectorData vs FAISS (Debian python3-faiss: IndexFlatIP, IndexHNSWFlat with the same M/efConstruction/ef,
# IDSelectorBatch filters), same vectors, same machine, one thread, one query at a time.
#   bench/run-vectordata.sh [N] [BUILD_THREADS]
#       N clustered unit vectors x 384 (default 20000: a smoke run; the issue's goals are stated for 1,000,000);
#       BUILD_THREADS: threads for FAISS's HNSW add (default 1; at 1M one thread takes a quarter of an hour). Queries
#       always run on one thread, and Manabi links its graph on one background thread.
# Results go to bench/results/vectordata-*.md (copy the table into docs/BENCHMARKS.md).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/peer-blas.sh
. "$root/bench/peer-blas.sh"  # the peers' OpenBLAS on the kernels this CPU supports
cd "$root"
n="${1:-20000}"
build_threads="${2:-1}"
# Debian's interpreter: python3-faiss installs there, not into a pyenv or venv python3 that may come first on PATH.
py=/usr/bin/python3
build/ensure-prerequisites.sh --packages python3-faiss python3-numpy
data="bench/data/vectordata-$n"
[ -f "$data/base.f32" ] || "$py" bench/anchors/vectordata_anchor.py gen --out "$data" --n "$n" --dim 384 --queries 200
mkdir -p bench/results
stamp="$(date -u +%Y%m%d-%H%M)"
"$py" bench/anchors/vectordata_anchor.py run --data "$data" --n "$n" --dim 384 --build-threads "$build_threads" --json "bench/results/vectordata-faiss-$stamp.json"
dotnet build bench/Manabi.Benchmarks -c Release -nologo -v quiet
bin="bench/Manabi.Benchmarks/bin/Release/net10.0/linux-x64/Manabi.Benchmarks.dll"
dotnet "$bin" vectordata --data "$data" --n "$n" --dim 384 --faiss "bench/results/vectordata-faiss-$stamp.json" \
  --out "bench/results/vectordata-$stamp.md"
