#!/usr/bin/env bash
# Coverage-guided fuzzing of Manabi's file parsers with AFL++ and SharpFuzz (docs/RELIABILITY.md).
#
#   tools/fuzz/run.sh [--seconds-per-target N] [--no-build] [TARGET...]
#
# Installs afl++ (apt) and the sharpfuzz tool (tools/fuzz/.tools) when absent, builds the harness
# (tools/fuzz/Manabi.Fuzz), instruments the Manabi assemblies, writes seed corpora from the repository's fixtures,
# runs afl-fuzz on each target in turn (niced, one instance) for N seconds (default 270), copies crashes and hangs
# to tools/fuzz/findings/<target>/ and appends one row per target to tools/fuzz/results/<date>.md.
# Reproduce a finding with: tools/fuzz/.build/bin/Manabi.Fuzz replay <target> <file>
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
fuzz="$root/tools/fuzz"
seconds=270
build=1
targets=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --seconds-per-target) seconds="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        -*) echo "error: unknown option $1" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 ]] || { echo "error: --seconds-per-target must be a positive whole number" >&2; exit 2; }

if ! command -v afl-fuzz >/dev/null; then
    echo "installing afl++ (apt-get)..."
    sudo_cmd=""; [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq afl++ >/dev/null
fi
tools="$fuzz/.tools"
if [[ ! -x "$tools/sharpfuzz" ]]; then
    echo "installing SharpFuzz.CommandLine 2.3.0 into tools/fuzz/.tools..."
    dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null
fi

bin="$fuzz/.build/bin"           # plain build: seeds and replays
instrumented="$fuzz/.build/afl"  # what afl-fuzz runs: the same files, Manabi assemblies instrumented
if [[ $build -eq 1 || ! -x "$instrumented/Manabi.Fuzz" ]]; then
    echo "building the harness..."
    # Removed first: its files are hard links into $bin, which the build may overwrite in place. (So never build
    # while another run.sh is fuzzing.)
    rm -rf "$instrumented"
    dotnet build "$fuzz/Manabi.Fuzz/Manabi.Fuzz.csproj" -c Release -nologo -v quiet -o "$bin"
    # Hard links keep the 600 MB of libtorch from being copied; the assemblies to instrument are real copies, since
    # sharpfuzz rewrites them in place.
    cp -al "$bin" "$instrumented"
    for assembly in Manabi.Numerics Manabi.Text Manabi.Vectors Manabi.Torch Manabi.SentenceTransformers manabi; do
        rm "$instrumented/$assembly.dll"
        cp "$bin/$assembly.dll" "$instrumented/$assembly.dll"
        "$tools/sharpfuzz" "$instrumented/$assembly.dll" >/dev/null
    done
fi

work="$fuzz/.build/work"
rm -rf "$work/seeds"
"$bin/Manabi.Fuzz" seeds "$root" "$work/seeds"
mapfile -t known < <("$bin/Manabi.Fuzz" list | cut -f1)
[[ ${#targets[@]} -gt 0 ]] || targets=("${known[@]}")
for target in "${targets[@]}"; do
    printf '%s\n' "${known[@]}" | grep -qx "$target" || { echo "error: unknown target $target (known: ${known[*]})" >&2; exit 2; }
done

stamp="$(date -u +%Y-%m-%d)"
results="$fuzz/results/$stamp.md"
mkdir -p "$fuzz/results"
if [[ ! -f "$results" ]]; then
    {
        echo "# Fuzzing results, $stamp"
        echo
        echo "CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1); $(afl-fuzz -h 2>&1 | grep -o 'afl-fuzz++[0-9.a-z]*' | head -1); SharpFuzz 2.3.0; .NET $(dotnet --version)."
        echo "Command: \`tools/fuzz/run.sh --seconds-per-target N [TARGET...]\`, one afl-fuzz instance at a time, nice -n 10."
        echo "Columns from each target's fuzzer_stats: run_time, execs_done, execs_per_sec, corpus_count, saved_crashes, saved_hangs."
    } > "$results"
fi
{
    echo
    echo "## Run started $(date -u +%H:%M) UTC, ${seconds} s per target, commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- src || echo ' (src modified)')"
    echo
    echo "| target | run time (s) | execs | execs/s | corpus | crashes | hangs | finished (UTC) |"
    echo "|---|---:|---:|---:|---:|---:|---:|---|"
} >> "$results"

field() { sed -n "s/^$1 *: *//p" "$2" | head -1; }
for target in "${targets[@]}"; do
    out="$work/out/$target"
    rm -rf "$out"; mkdir -p "$work/out"
    dictionary=()
    case "$target" in tokenizer-json|safetensors|jsonl) dictionary=(-x "$fuzz/dict/json.dict") ;; esac
    echo "fuzzing $target for ${seconds}s..."
    # The .NET runtime (and for safetensors libtorch) starts once per fork server: allow it a minute. No core
    # pattern is set (the machine may be shared), hence AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES.
    AFL_SKIP_BIN_CHECK=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1 \
    AFL_FORKSRV_INIT_TMOUT=60000 \
        nice -n 10 afl-fuzz -V "$seconds" -t 5000 -m none -i "$work/seeds/$target" -o "$out" "${dictionary[@]}" \
        -- "$instrumented/Manabi.Fuzz" run "$target" > "$work/$target.log" 2>&1 || {
            echo "error: afl-fuzz failed for $target; last lines of $work/$target.log:" >&2
            tail -20 "$work/$target.log" >&2
            continue
        }
    stats="$out/default/fuzzer_stats"
    crashes=$(field saved_crashes "$stats"); hangs=$(field saved_hangs "$stats")
    row="| $target | $(field run_time "$stats") | $(field execs_done "$stats") | $(field execs_per_sec "$stats") | $(field corpus_count "$stats") | $crashes | $hangs | $(date -u +%H:%M) |"
    echo "$row" | tee -a "$results"
    if [[ "${crashes:-0}" != 0 || "${hangs:-0}" != 0 ]]; then
        found="$fuzz/findings/$target/$(date -u +%Y%m%d-%H%M)"
        mkdir -p "$found"
        cp "$out"/default/crashes/id* "$out"/default/hangs/id* "$found/" 2>/dev/null || true
        echo "  findings copied to ${found#"$root/"}/ (distinct ones: $bin/Manabi.Fuzz triage $target FILES)"
    fi
done
echo "results: ${results#"$root/"}"
