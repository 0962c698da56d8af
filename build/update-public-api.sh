#!/usr/bin/env bash
# Regenerates src/<Project>/PublicAPI.Unshipped.txt of every library (or of the projects named) from its code,
# with the PublicApiAnalyzers code fix (RS0016, "declare the public API") run through `dotnet format`.
# Run it after an intended change of a public API (or after moving types between projects), then review the diff:
# the build fails on any public API that these files do not declare (build/Packaging.props).
# Usage: build/update-public-api.sh [src/Project/Project.csproj ...]
#   PublicAPI.Shipped.txt is created (empty, "#nullable enable") where missing and never rewritten: at a release,
#   move the Unshipped lines into it. Unshipped is rebuilt from scratch, so APIs removed before shipping vanish;
#   removing a *shipped* API still fails the build (RS0017) until "*REMOVED*<line>" is added to Unshipped by hand.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

projects=("$@")
if [ ${#projects[@]} -eq 0 ]; then
  for csproj in src/*/*.csproj; do
    # Libraries only: executables (the manabi tool) have no public API to keep.
    grep -q '<OutputType>Exe</OutputType>' "$csproj" || projects+=("$csproj")
  done
fi

for csproj in "${projects[@]}"; do
  dir="$(dirname "$csproj")"
  [ -f "$dir/PublicAPI.Shipped.txt" ] || printf '#nullable enable\n' > "$dir/PublicAPI.Shipped.txt"
  printf '#nullable enable\n' > "$dir/PublicAPI.Unshipped.txt"
  echo "== $csproj" >&2
  # The fix runs on the project's own compilation; referenced projects are only read.
  dotnet format analyzers "$csproj" --diagnostics RS0016 --severity info --verbosity quiet
  # Sorted (ordinal) so that regenerations and merges give stable diffs.
  { head -n 1 "$dir/PublicAPI.Unshipped.txt"; tail -n +2 "$dir/PublicAPI.Unshipped.txt" | grep -v '^$' | LC_ALL=C sort -u; } \
    > "$dir/PublicAPI.Unshipped.txt.tmp"
  mv "$dir/PublicAPI.Unshipped.txt.tmp" "$dir/PublicAPI.Unshipped.txt"
  echo "$dir/PublicAPI.Unshipped.txt: $(($(wc -l < "$dir/PublicAPI.Unshipped.txt") - 1)) entries" >&2
done
