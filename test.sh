#!/usr/bin/env bash
# Runs every test of the solution and ends with one line: "N passed, N failed[, N skipped]".
# Installs what the tests need first (as root: apt-get), builds once, then runs each test project.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

"$root/build/ensure-prerequisites.sh" --tests || { echo "0 passed, 1 failed"; exit 1; }

if ! dotnet build Manabi.slnx -c Release -nologo -v quiet; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

results="$root/TestResults"
rm -rf "$results"
mkdir -p "$results"
status=0
resultless=0  # suites that left no TRX or a TRX of no test: each counts as one failure
nonzero=()
# Runs one test project as the suite NAME (the name of its TRX file), with SETTING (VAR=value) in its environment
# and dotnet test's FILTER when given.
run_suite() {  # NAME PROJECT [SETTING] [FILTER]
  local name="$1" project="$2" setting="${3:-}" filter="${4:-}"
  local environment=() selection=()
  [ -n "$setting" ] && environment=("$setting")
  [ -n "$filter" ] && selection=(--filter "$filter")
  echo "== $name${setting:+ ($setting)}"
  if ! env "${environment[@]}" dotnet test "$project" -c Release --no-build -nologo "${selection[@]}" \
        --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
        --results-directory "$results"; then
    status=1
    nonzero+=("$name")
  fi
  if [ ! -f "$results/$name.trx" ]; then
    echo "$name: the test host produced no results (crashed?)"
    resultless=$((resultless + 1))
    status=1
  elif grep -q '<Counters total="0"' "$results/$name.trx"; then
    # A filter that no longer matches (a renamed test class) would otherwise pass with nothing run.
    echo "$name: no test ran${filter:+ (filter '$filter')}; counted as 1 failure"
    resultless=$((resultless + 1))
    status=1
  fi
}

for project in tests/*.Tests/*.Tests.csproj; do
  run_suite "$(basename "$project" .csproj)" "$project"
done

# Pure-managed SIMD code (the eigen-solver's GEMM, the divergences, the int8 screen, vector search, the BERT
# normalizer's word scan) picks its path from the CPU, so the run above checks only the paths of this machine. Those
# tests run again with AVX off (128-bit vectors, Vector<double> of 2 lanes: the shape of an ARM64 machine's code) and
# with no SIMD at all. An entry is PROJECT|FILTER (empty: the whole project).
narrow=(
  "Manabi.Numerics.Tests|"
  "Manabi.Vectors.Tests|"
  "Manabi.VectorData.Tests|FullyQualifiedName~ScreenedScan|FullyQualifiedName~Search|FullyQualifiedName~Hnsw"
  "Manabi.Text.Tests|FullyQualifiedName~FastPath|FullyQualifiedName~Manabi.Text.Tests.Fast.|FullyQualifiedName~GoldenParity"
)
for mode in "sse DOTNET_EnableAVX=0" "scalar DOTNET_EnableHWIntrinsic=0"; do
  read -r label setting <<<"$mode"
  for entry in "${narrow[@]}"; do
    project="${entry%%|*}"
    run_suite "$project.$label" "tests/$project/$project.csproj" "$setting" "${entry#*|}"
  done
done

# Sum the counters of every TRX file. A test host that crashes mid-run still writes a TRX, with the tests it finished
# as passed and no failure: a project whose `dotnet test` failed while its TRX records no failed test counts as one
# failure, so that the closing line cannot read "0 failed" after an aborted run.
read -r passed failed skipped aborted < <(python3 - "$results" "${nonzero[@]}" <<'PY'
import glob, os, sys, xml.etree.ElementTree as ET
p = f = s = aborted = 0
nonzero = set(sys.argv[2:])
for path in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(path).getroot().find(".//{*}Counters")
    failures = int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    name = os.path.basename(path)[:-len(".trx")]
    if name in nonzero and failures == 0:
        print(f"{name}: dotnet test failed but its results record no failed test (the test host aborted); counted as 1 failure",
              file=sys.stderr)
        aborted += 1
    p += int(c.get("passed", 0))
    f += failures
    s += int(c.get("notExecuted", 0))
print(p, f, s, aborted)
PY
)
failed=$((failed + resultless + aborted))
[ "$failed" -gt 0 ] && status=1
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit $status
