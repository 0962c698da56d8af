#!/usr/bin/env bash
# Manabi.Vectors vs gensim 4.2 (Debian python3-gensim) and fastText, same machine, same run.
#   bench/run-vectors.sh            data (bench/vectors-data.sh), OOV quality, then 1M x 300 performance with HNSW
# Results go to bench/results/vectors-*.md (copy the tables into docs/BENCHMARKS.md and docs/RESULTS.md).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/peer-blas.sh
. "$root/bench/peer-blas.sh"  # the peers' OpenBLAS on the kernels this CPU supports
cd "$root"
bench/vectors-data.sh
dotnet build bench/Manabi.Benchmarks -c Release -nologo -v quiet
bin="bench/Manabi.Benchmarks/bin/Release/net10.0/linux-x64/Manabi.Benchmarks.dll"
mkdir -p bench/results
stamp="$(date -u +%Y%m%d-%H%M)"
dotnet "$bin" vectors oov --data bench/data/vectors --out "bench/results/vectors-oov-$stamp.md"
# Converts once (with the HNSW graph), then times open/lookup/batch/most_similar against gensim and recall@10.
dotnet "$bin" vectors perf --approx --source bench/data/vectors/synthetic-1m-300.bin \
  --store bench/data/vectors/synthetic-1m-300-approx.mwv --out "bench/results/vectors-perf-$stamp.md"
