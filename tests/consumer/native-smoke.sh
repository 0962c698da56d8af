#!/usr/bin/env bash
# Consumer smoke test of the native fix that travels in the Manabi.Torch package (docs/NATIVE.md): a fresh console
# app OUTSIDE the repository references Manabi.Torch from a local feed and must load TorchSharp's libtorch 2.10 in
# every layout: dotnet run with and without a runtime identifier, publish with and without one. Then it puts
# TorchSharp's unpatched library back in place and expects Manabi's one clear error, and no <app>/cpu/ copy.
#
# usage: tests/consumer/native-smoke.sh [VERSION] [FEED]
#   VERSION defaults to 0.1.0-native.1; FEED (default /tmp/native-feed) is packed first when it lacks the version:
#   dotnet pack src/{Manabi.Numerics,Manabi.Text,Manabi.Torch} -c Release -o FEED -p:Version=VERSION
# Clears the NuGet cache of manabi.* packages, so each run restores the freshly packed ones.
set -euo pipefail
version="${1:-0.1.0-native.1}"
feed="${2:-/tmp/native-feed}"
work="${CONSUMER_DIR:-/tmp/consumer-native}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"

if [ ! -f "$feed/Manabi.Torch.$version.nupkg" ]; then
  for project in Manabi.Numerics Manabi.Text Manabi.Torch; do
    dotnet pack "$repo/src/$project" -c Release -o "$feed" -nologo -v quiet -p:Version="$version"
  done
fi
rm -rf "$packages"/manabi.*
rm -rf "$work" && mkdir -p "$work" && cd "$work"

dotnet new console -n Consumer -o . --framework net10.0 >/dev/null
cat > nuget.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="manabi-local" value="$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
XML
cat > Program.cs <<'CS'
using Manabi.Torch.Runtime;
using static TorchSharp.torch;

try
{
    TorchRuntime.EnsureLoaded();
}
catch (InvalidOperationException ex)
{
    Console.WriteLine("LOAD FAILED: " + ex.Message);
    return 3;
}
using var a = ones(2, 2);
float sum = a.matmul(a).sum().item<float>();
Console.WriteLine(TorchRuntime.Describe());
Console.WriteLine(sum == 8f ? "SMOKE OK" : $"SMOKE WRONG {sum}");
return sum == 8f ? 0 : 2;
CS
dotnet add package Manabi.Torch --version "$version" >/dev/null

failures=0
# check NAME EXPECTED_LAYOUT OUTPUT_FOLDER COMMAND...: the app runs, loads libtorch 2.10 from its own folder in the
# expected layout (never /usr/lib's python3-torch), and TorchSharp made no cpu/ copy of the NuGet cache.
check() {
  local name="$1" layout="$2" folder="$3"; shift 3
  local output status=0
  output="$("$@" 2>&1)" || status=$?
  local verdict=ok
  [[ $status == 0 && "$output" == *"SMOKE OK"* ]] || verdict="failed (exit $status)"
  [[ "$output" == *"libtorch 2.10"* ]] || verdict="failed: not libtorch 2.10"
  [[ "$output" == *"($layout)"* ]] || verdict="failed: layout is not $layout"
  [[ "$output" == *"libtorch_cpu: $(realpath "$folder")"* ]] || verdict="failed: libtorch_cpu not from $folder"
  [ ! -d "$folder/cpu" ] || verdict="failed: TorchSharp copied the NuGet cache into $folder/cpu"
  echo "== $name: $verdict"
  echo "$output" | sed 's/^/   /'
  [ "$verdict" = ok ] || failures=$((failures + 1))
}

check "dotnet run (no RID)" RuntimesFolder bin/Debug/net10.0 dotnet run
check "dotnet run -r linux-x64" RuntimeSpecific bin/Debug/net10.0/linux-x64 dotnet run -r linux-x64
dotnet publish -r linux-x64 --self-contained false -o pub-rid -nologo -v quiet >/dev/null
check "dotnet publish -r linux-x64" RuntimeSpecific pub-rid ./pub-rid/Consumer
dotnet publish -o pub-norid -nologo -v quiet >/dev/null
check "dotnet publish (no RID)" RuntimesFolder pub-norid dotnet pub-norid/Consumer.dll

# The failure mode: TorchSharp's original library in a no-RID output on a host that lacks GLIBCXX_3.4.32.
if ! grep -qa GLIBCXX_3.4.32 "${MANABI_HOST_LIBSTDCXX:-/usr/lib/x86_64-linux-gnu/libstdc++.so.6}"; then
  cp "$packages/torchsharp/0.107.0/runtimes/linux-x64/native/libLibTorchSharp.so" pub-norid/runtimes/linux-x64/native/libLibTorchSharp.so
  output="$(dotnet pub-norid/Consumer.dll 2>&1)" || true
  if [[ "$output" == "LOAD FAILED: "*"unpatched"* && ! -d pub-norid/cpu && $(wc -l <<<"$output") -le 2 ]]; then
    echo "== unpatched library: ok (one clear message, no cpu/ copy)"
  else
    echo "== unpatched library: failed"; failures=$((failures + 1))
  fi
  echo "$output" | sed 's/^/   /'
fi

# A host whose libstdc++ has GLIBCXX_3.4.32 (faked through MANABI_HOST_LIBSTDCXX): the build leaves TorchSharp's
# original in place and adds no shim.
printf 'GLIBCXX_3.4.31\0GLIBCXX_3.4.32\0' > fake-libstdc++.so.6
rm -rf bin obj
MANABI_HOST_LIBSTDCXX="$PWD/fake-libstdc++.so.6" dotnet build -nologo -v quiet >/dev/null
if cmp -s bin/Debug/net10.0/runtimes/linux-x64/native/libLibTorchSharp.so "$packages/torchsharp/0.107.0/runtimes/linux-x64/native/libLibTorchSharp.so" &&
   [ ! -e bin/Debug/net10.0/runtimes/linux-x64/native/libmanabi_ios_init.so ]; then
  echo "== host with GLIBCXX_3.4.32: ok (original left in place, no shim)"
else
  echo "== host with GLIBCXX_3.4.32: failed (the build patched anyway)"; failures=$((failures + 1))
fi

# Another TorchSharp build (faked by recording a different original hash in the restored package): the build hands
# it to the packaged patch script when its tools are present, and fails with one message when they are not.
if ! grep -qa GLIBCXX_3.4.32 "${MANABI_HOST_LIBSTDCXX:-/usr/lib/x86_64-linux-gnu/libstdc++.so.6}"; then
  hash_file="$packages/manabi.torch/$version/buildTransitive/native/linux-x64/libLibTorchSharp.original.sha256"
  saved="$(cat "$hash_file")"
  echo 0000 > "$hash_file"
  rm -rf bin
  # Outputs are captured first: grep -q on a pipe can SIGPIPE dotnet, which pipefail reports as failure.
  output="$(dotnet build -nologo -v n 2>&1)" || true
  if [[ "$output" == *"manabi-native-fix: patched"* ]] &&
     readelf -d bin/Debug/net10.0/runtimes/linux-x64/native/libLibTorchSharp.so | grep -q libmanabi_ios_init.so; then
    echo "== other TorchSharp build, tools present: ok (patched by the script)"
  else
    echo "== other TorchSharp build, tools present: failed"; failures=$((failures + 1))
  fi
  rm -rf bin && mkdir -p tools-less && ln -sf "$(command -v dotnet)" tools-less/dotnet && ln -sf "$(command -v bash)" tools-less/bash
  output="$(PATH="$PWD/tools-less" dotnet build -nologo -v q 2>&1)" || true
  if [[ "$output" == *"error : Manabi.Torch: "*"install the tools to patch it here"* ]]; then
    echo "== other TorchSharp build, no tools: ok (build fails with what to do)"
  else
    echo "== other TorchSharp build, no tools: failed"; failures=$((failures + 1))
  fi
  echo "$saved" > "$hash_file"
fi

echo "native-smoke: $failures failure(s); Manabi.Torch $version; python3-torch's libtorch $(ls /usr/lib/x86_64-linux-gnu/libtorch_cpu.so* 2>/dev/null | head -1 || echo absent)"
[ "$failures" = 0 ]
