#!/usr/bin/env bash
# Makes TorchSharp's libLibTorchSharp.so (built against GCC 13's libstdc++) load on a host whose
# libstdc++ lacks GLIBCXX_3.4.32 (Debian 12 ships GCC 12). Works on the copy in an output folder,
# never on the NuGet cache. Idempotent; does nothing where the host already has the version, unless --force
# (Manabi.Torch's build uses that to make the patched copy it ships, whatever the build machine's libstdc++).
# It is also the fallback of the package's targets for a TorchSharp build other than the one shipped patched.
#
# The three steps are all required:
#  1. clear the version of std::ios_base_library_init() so the loader binds it unversioned;
#  2. add a shim library beside it that defines that symbol (NEEDED, found through $ORIGIN);
#  3. mark the GLIBCXX_3.4.32 requirement weak (VER_FLG_WEAK) so its absence is not fatal.
set -euo pipefail
force=0
if [ "${1:-}" = "--force" ]; then force=1; shift; fi
dir="${1:?usage: fix-libtorchsharp.sh [--force] OUTPUT_DIR}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
lib="$dir/libLibTorchSharp.so"
shim_name="libmanabi_ios_init.so"
symbol="_ZSt21ios_base_library_initv"
version="GLIBCXX_3.4.32"

[ -f "$lib" ] || exit 0

# MANABI_HOST_LIBSTDCXX overrides the host library (tests use it to exercise both branches).
host_libstdcxx="${MANABI_HOST_LIBSTDCXX:-$(/sbin/ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ && !found {print $NF; found = 1}')}"
host_libstdcxx="${host_libstdcxx:-/usr/lib/x86_64-linux-gnu/libstdc++.so.6}"
if [ "$force" = 0 ] && grep -qa "$version" "$host_libstdcxx" 2>/dev/null; then
  echo "manabi-native-fix: host libstdc++ has $version; nothing to patch"
  exit 0
fi

# Captured first: grep -q on a pipe can SIGPIPE the producer, which pipefail reports as failure.
dynamic="$(readelf -d "$lib")"
if [[ "$dynamic" == *"$shim_name"* && -f "$dir/$shim_name" ]]; then
  echo "manabi-native-fix: $lib already patched"
  exit 0
fi

for tool in patchelf cc python3; do
  command -v "$tool" >/dev/null || {
    echo "manabi-native-fix: error: '$tool' is required to patch $lib (apt-get install -y patchelf gcc g++ python3)" >&2
    exit 1
  }
done

tmp="$(mktemp "$dir/.libLibTorchSharp.XXXXXX")"
trap 'rm -f "$tmp" "$tmp.shim"' EXIT
cp "$lib" "$tmp"
# mktemp creates 0600; keep the original's mode so other users can still load the library.
chmod --reference="$lib" "$tmp"
cc -shared -fPIC -O2 -x c++ -o "$tmp.shim" "$here/ios_base_library_init_shim.cpp"
patchelf --clear-symbol-version "$symbol" "$tmp"
if [[ "$dynamic" != *"$shim_name"* ]]; then
  patchelf --add-needed "$shim_name" "$tmp"
fi
python3 "$here/elf_weaken_version.py" "$tmp" "$version" || {
  echo "manabi-native-fix: error: $version requirement not found in $lib" >&2
  exit 1
}
mv -f "$tmp.shim" "$dir/$shim_name"
mv -f "$tmp" "$lib"
echo "manabi-native-fix: patched $lib (host libstdc++ lacks $version)"
