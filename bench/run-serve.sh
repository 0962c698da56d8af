#!/usr/bin/env bash
# The embedding server's benchmark (issue 19): `manabi serve` with the embedded all-MiniLM-L6-v2 under wrk at 1, 8
# and 64 connections, each request one real sentence of the held-out text (tests/fixtures/tokenizer/heldout.txt),
# side by side with in-process SentenceEncoder.Encode and ONNX Runtime in-process on the same sentences with the same
# thread count (the sbert comparison of bench/Manabi.Benchmarks, the bench's ONNX Runtime anchor). Writes a Markdown
# table to bench/results/serve-<UTC time>.md.
# Usage: bench/run-serve.sh [--duration SECONDS (60)] [--threads N (nproc)] [--lines N (2000)] [--connections "1 8 64"] [--port P (18080)]
#                           [--quantize none|int8 (none): the server's --quantize] [--dtype float32|bfloat16 (float32): its --dtype]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration=60; threads="$(nproc)"; lines=2000; connections="1 8 64"; port=18080; quantize=none; dtype=float32
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --lines) lines="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --quantize) quantize="$2"; shift 2 ;;
    --dtype) dtype="$2"; shift 2 ;;
    *) echo "run-serve.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done

# wrk is the load generator (Debian package).
"$root/build/ensure-prerequisites.sh" --packages wrk
cli="$root/artifacts/serve-bench/cli"
dotnet build "$root/src/Manabi.Cli/Manabi.Cli.csproj" -c Release -o "$cli" -nologo -v quiet
dotnet build "$root/bench/Manabi.Benchmarks" -c Release -nologo -v quiet

work="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
head -n "$lines" "$root/tests/fixtures/tokenizer/heldout.txt" > "$work/sentences.txt"

# The server's intra-op budget (one libtorch thread per batch worker, as many workers as this) is OMP_NUM_THREADS.
OMP_NUM_THREADS="$threads" dotnet "$cli/manabi.dll" serve --port "$port" --max-concurrent-requests 4096 --quantize "$quantize" --dtype "$dtype" 2> "$work/server.log" &
server_pid=$!
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.2
done
curl -sf "http://127.0.0.1:$port/ready" >/dev/null || { echo "the server did not become ready" >&2; cat "$work/server.log" >&2; exit 1; }

rss_mib() { awk -v key="$1" '$1 == key":" {printf "%.0f", $2 / 1024}' "/proc/$server_pid/status"; }
rows=()
for c in $connections; do
  t=$(( c < threads ? c : threads )); [ "$t" -lt 1 ] && t=1
  echo "wrk: $c connections, $duration s..." >&2
  result="$(wrk -t "$t" -c "$c" -d "${duration}s" --timeout 30s -s "$root/bench/serve/embed.lua" "http://127.0.0.1:$port" -- "$work/sentences.txt" | tail -n 1)"
  rps="$(grep -o '"rps":[0-9.]*' <<<"$result" | cut -d: -f2)"
  p50="$(grep -o '"p50_ms":[0-9.]*' <<<"$result" | cut -d: -f2)"
  p95="$(grep -o '"p95_ms":[0-9.]*' <<<"$result" | cut -d: -f2)"
  p99="$(grep -o '"p99_ms":[0-9.]*' <<<"$result" | cut -d: -f2)"
  errors="$(grep -o '"errors":[0-9]*' <<<"$result" | cut -d: -f2)"
  rows+=("| manabi serve, $c connections | $rps | $p50 | $p95 | $p99 | $(rss_mib VmRSS) | $errors |")
done
peak="$(rss_mib VmHWM)"
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""

echo "in-process Encode and ONNX Runtime..." >&2
dotnet "$root/bench/Manabi.Benchmarks/bin/Release/net10.0/linux-x64/Manabi.Benchmarks.dll" sbert --lines "$lines" --threads "$threads" --repeats 3 > "$work/inprocess.md"
manabi_rate="$(grep '^| Manabi (' "$work/inprocess.md" | awk -F'|' '{gsub(/ /, "", $3); print $3}')"
int8_rate="$(grep '^| Manabi int8' "$work/inprocess.md" | awk -F'|' '{gsub(/ /, "", $3); print $3}')"
bf16_rate="$(grep '^| Manabi bfloat16' "$work/inprocess.md" | awk -F'|' '{gsub(/ /, "", $3); print $3}')"
ort_rate="$(grep '^| ONNX Runtime [0-9.]* (ORT_ENABLE_ALL)' "$work/inprocess.md" | awk -F'|' '{gsub(/ /, "", $3); print $3}')"
ort_int8_rate="$(grep '^| ONNX Runtime [0-9.]* int8, per_channel' "$work/inprocess.md" | awk -F'|' '{gsub(/ /, "", $3); print $3}')"

mkdir -p "$root/bench/results"
out="$root/bench/results/serve-$(date -u +%Y%m%d-%H%M).md"
{
  echo "## manabi serve --quantize $quantize --dtype $dtype: all-MiniLM-L6-v2, one sentence per request, first $lines lines of heldout.txt, $threads threads, ${duration} s per level"
  echo
  echo "Machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); $(uname -sr). Load generator: $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1,2) on the same machine."
  echo
  echo "| engine | sentences/s | p50 ms | p95 ms | p99 ms | server RSS (MiB) | errors |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${rows[@]}"
  echo "| in-process SentenceEncoder.Encode (batch 32) | $manabi_rate | | | | | |"
  echo "| in-process SentenceEncoder.Encode after QuantizeInt8 (batch 32) | $int8_rate | | | | | |"
  echo "| in-process SentenceEncoder.Encode after UseBFloat16 (batch 32) | $bf16_rate | | | | | |"
  echo "| ONNX Runtime in-process (batch 32) | $ort_rate | | | | | |"
  echo "| ONNX Runtime int8 in-process, per channel (batch 32) | $ort_int8_rate | | | | | |"
  echo
  echo "Server peak RSS (VmHWM): $peak MiB. The in-process rows are the sbert comparison (bench/Manabi.Benchmarks sbert) on the same lines:"
  echo
  cat "$work/inprocess.md"
} > "$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
echo "saved $out"
