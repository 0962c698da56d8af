#!/usr/bin/env bash
# Packs every packable project under src/ (the libraries and the manabi tool) into one folder, Release,
# deterministic (ContinuousIntegrationBuild: normalized paths, Source Link to the commit), and prints the packages.
# Usage: build/pack.sh [--version V] [--output DIR]
#   --version V   package version (default: MinVer, from the nearest git tag "vX.Y.Z"; 0.0.0-alpha.0.N without one)
#   --output DIR  where the .nupkg/.snupkg files go (default: artifacts/packages); Manabi packages already
#                 there are removed first, so the folder holds exactly one build.
# The tool comes as two packages (.NET 10 RID-specific tool): "manabi" (the pointer that `dotnet tool install`
# resolves) and "manabi.linux-x64" (the build with libtorch); both must be in the same feed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

version=""
output="$root/artifacts/packages"
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version="${2:?--version needs a value}"; shift 2 ;;
    --output) output="${2:?--output needs a value}"; shift 2 ;;
    *) echo "pack.sh: unknown option '$1' (usage: build/pack.sh [--version V] [--output DIR])" >&2; exit 2 ;;
  esac
done
mkdir -p "$output"
output="$(cd "$output" && pwd)"

props=(-c Release -nologo -v quiet -p:ContinuousIntegrationBuild=true)
[ -n "$version" ] && props+=("-p:MinVerVersionOverride=$version")

# Packable projects: those whose csproj says so (libraries set IsPackable, the tool PackAsTool).
projects=()
for csproj in src/*/*.csproj; do
  grep -qE '<(IsPackable|PackAsTool)>true<' "$csproj" && projects+=("$csproj")
done

rm -f "$output"/[Mm]anabi*.nupkg "$output"/[Mm]anabi*.snupkg
for csproj in "${projects[@]}"; do
  echo "pack.sh: $csproj" >&2
  dotnet pack "$csproj" "${props[@]}" -o "$output"
done

echo "pack.sh: packages in $output:" >&2
( cd "$output" && ls -1 [Mm]anabi*.nupkg [Mm]anabi*.snupkg 2>/dev/null | sort )
