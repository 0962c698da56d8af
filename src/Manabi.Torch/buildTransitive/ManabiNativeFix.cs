#nullable disable
// Compiled at build time by MSBuild's RoslynCodeTaskFactory (see Manabi.Torch.targets beside it), so a consumer of
// the Manabi.Torch package needs no native tools: the patched libLibTorchSharp.so and its shim ship prebuilt in the
// package, and this code only decides, per output copy, whether to swap them in. Manabi.Torch compiles this file
// too (with MANABI_NATIVE_FIX_EMBEDDED: internal, without the MSBuild task class), so that TorchRuntime reports the
// host with the very decisions the build makes, and the tests reach them through InternalsVisibleTo.
// Targets netstandard2.0 (what the task factory compiles against): no File.Move overwrite, no Convert.ToHexString.
using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Manabi.Build
{
    /// <summary>What to do with one copy of libLibTorchSharp.so in an output or publish folder.</summary>
#if MANABI_NATIVE_FIX_EMBEDDED
    internal
#else
    public
#endif
    enum NativeFixAction
    {
        /// <summary>It is the prebuilt patched copy (or a script-patched one) and the shim sits beside it.</summary>
        AlreadyPatched,

        /// <summary>It is TorchSharp's original (or the patched copy without its shim): copy the prebuilt files in.</summary>
        ReplaceWithPrebuilt,

        /// <summary>Some other TorchSharp build: only the patch script (patchelf, a C++ compiler) can fix it.</summary>
        UnknownVersion,
    }

    /// <summary>The decisions of the native fix, kept free of MSBuild so that they can be unit-tested.</summary>
#if MANABI_NATIVE_FIX_EMBEDDED
    internal
#else
    public
#endif
    static class NativeFix
    {
        /// <summary>The libstdc++ symbol version TorchSharp 0.107's LibTorchSharp requires (GCC 13).</summary>
        public const string RequiredGlibcxxVersion = "GLIBCXX_3.4.32";

        /// <summary>The shim that defines std::ios_base_library_init() for the patched library.</summary>
        public const string ShimLibraryName = "libmanabi_ios_init.so";

        /// <summary>TorchSharp's native library name on Linux.</summary>
        public const string LibraryName = "libLibTorchSharp.so";

        /// <summary>The file, beside the prebuilt copy, that holds the SHA-256 of the original it was made from.</summary>
        public const string OriginalHashFileName = "libLibTorchSharp.original.sha256";

        /// <summary>Where Debian, Ubuntu and Fedora keep libstdc++ (TorchRuntime reports from the same list).</summary>
        public static readonly string[] HostLibStdCxxCandidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6",
            "/usr/lib/libstdc++.so.6",
        };

        /// <summary>The host libstdc++: the override (MANABI_HOST_LIBSTDCXX, used by tests) or the first candidate present.</summary>
        public static string FindHostLibStdCxx(string overridePath)
        {
            if (!string.IsNullOrEmpty(overridePath))
            {
                return overridePath;
            }
            foreach (string candidate in HostLibStdCxxCandidates)
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
            return null;
        }

        /// <summary>
        /// True when the host libstdc++ exists and lacks GLIBCXX_3.4.32. No libstdc++ found means no decision can be
        /// made here (a musl or unusual system): leave TorchSharp's files alone.
        /// </summary>
        public static bool HostNeedsFix(string hostLibStdCxx) =>
            hostLibStdCxx != null && File.Exists(hostLibStdCxx) && !FileContainsAscii(hostLibStdCxx, RequiredGlibcxxVersion);

        /// <summary>Decides what to do with one copy of libLibTorchSharp.so, from its hash and what sits beside it.</summary>
        /// <param name="libraryHash">SHA-256 (hex) of the copy in the output folder.</param>
        /// <param name="libraryNamesShim">Whether the copy lists the shim as a needed library (patched by the script).</param>
        /// <param name="shimBeside">Whether the shim is in the same folder.</param>
        /// <param name="originalHash">SHA-256 of the TorchSharp original the prebuilt copy was made from.</param>
        /// <param name="patchedHash">SHA-256 of the prebuilt patched copy.</param>
        public static NativeFixAction Decide(string libraryHash, bool libraryNamesShim, bool shimBeside, string originalHash, string patchedHash)
        {
            if (SameHash(libraryHash, patchedHash))
            {
                return shimBeside ? NativeFixAction.AlreadyPatched : NativeFixAction.ReplaceWithPrebuilt;
            }
            if (SameHash(libraryHash, originalHash))
            {
                return NativeFixAction.ReplaceWithPrebuilt;
            }
            // Patched by the fallback script on this machine (another TorchSharp version): leave it be.
            return libraryNamesShim && shimBeside ? NativeFixAction.AlreadyPatched : NativeFixAction.UnknownVersion;
        }

        /// <summary>Lowercase hex SHA-256 of a file.</summary>
        public static string Sha256(string path)
        {
            using (var sha = SHA256.Create())
            using (var stream = File.OpenRead(path))
            {
                return BitConverter.ToString(sha.ComputeHash(stream)).Replace("-", string.Empty).ToLowerInvariant();
            }
        }

        /// <summary>
        /// Copies <paramref name="source"/> over <paramref name="destination"/> through a temporary file in the
        /// destination's folder and a rename, so a reader (a running app, a parallel build) never sees half a library.
        /// </summary>
        public static void AtomicCopy(string source, string destination)
        {
            string folder = Path.GetDirectoryName(Path.GetFullPath(destination));
            string temporary = Path.Combine(folder, "." + Path.GetFileName(destination) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                File.Copy(source, temporary, true);
                if (File.Exists(destination))
                {
                    // rename(2) on Unix: atomic replacement.
                    File.Replace(temporary, destination, null);
                }
                else
                {
                    File.Move(temporary, destination);
                }
            }
            finally
            {
                if (File.Exists(temporary))
                {
                    File.Delete(temporary);
                }
            }
        }

        /// <summary>True when the file's bytes contain the ASCII text (version strings, needed-library names).</summary>
        public static bool FileContainsAscii(string path, string text)
        {
            byte[] data = File.ReadAllBytes(path);
            byte[] needle = Encoding.ASCII.GetBytes(text);
            for (int i = 0; i <= data.Length - needle.Length; i++)
            {
                int j = 0;
                while (j < needle.Length && data[i + j] == needle[j])
                {
                    j++;
                }
                if (j == needle.Length)
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>Whether an executable is on PATH (the fallback script's tools).</summary>
        public static bool OnPath(string tool)
        {
            string path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
            foreach (string folder in path.Split(Path.PathSeparator))
            {
                if (folder.Length > 0 && File.Exists(Path.Combine(folder, tool)))
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>The message for a LibTorchSharp the prebuilt copy does not fit and the script cannot patch here.</summary>
        public static string UnknownVersionMessage(string library, IEnumerable<string> missingTools) =>
            "Manabi.Torch: " + library + " is not the TorchSharp-cpu 0.107.0 build that Manabi.Torch ships a patched copy of, and this " +
            "host's libstdc++ lacks " + RequiredGlibcxxVersion + ", so it will not load. Either reference TorchSharp-cpu 0.107.0 " +
            "(the version Manabi.Torch was built with), or install the tools to patch it here (" + string.Join(", ", missingTools) +
            " missing; on Debian/Ubuntu: apt-get install -y patchelf g++ binutils python3) and build again. See docs/NATIVE.md.";

        internal static bool SameHash(string a, string b) =>
            !string.IsNullOrEmpty(a) && string.Equals(a.Trim(), b == null ? null : b.Trim(), StringComparison.OrdinalIgnoreCase);
    }

#if !MANABI_NATIVE_FIX_EMBEDDED
    /// <summary>
    /// Swaps the prebuilt patched libLibTorchSharp.so and its shim into each output copy of TorchSharp's original,
    /// when this Linux x64 host's libstdc++ lacks GLIBCXX_3.4.32. Copies it cannot fix come out in
    /// <see cref="UnknownLibraries"/> for the targets file to hand to the patch script (or to fail the build).
    /// </summary>
    public sealed class ManabiFixLibTorchSharp : Microsoft.Build.Utilities.Task
    {
        /// <summary>The copies of libLibTorchSharp.so to check (only existing ones).</summary>
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Libraries { get; set; }

        /// <summary>The folder that holds the prebuilt patched library, the shim and the original's hash.</summary>
        [Microsoft.Build.Framework.Required]
        public string NativeDirectory { get; set; }

        /// <summary>The patch script for copies the prebuilt one does not fit (build/native/fix-libtorchsharp.sh).</summary>
        public string FallbackScript { get; set; }

        /// <summary>Overrides the host libstdc++ (MANABI_HOST_LIBSTDCXX).</summary>
        public string HostLibStdCxx { get; set; }

        /// <summary>Copies to hand to the patch script (its tools are present).</summary>
        [Microsoft.Build.Framework.Output]
        public Microsoft.Build.Framework.ITaskItem[] UnknownLibraries { get; set; }

        /// <inheritdoc />
        public override bool Execute()
        {
            UnknownLibraries = new Microsoft.Build.Framework.ITaskItem[0];
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || RuntimeInformation.OSArchitecture != Architecture.X64)
            {
                return true;
            }
            string host = NativeFix.FindHostLibStdCxx(HostLibStdCxx);
            if (!NativeFix.HostNeedsFix(host))
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low,
                    "Manabi.Torch: host libstdc++ ({0}) has {1} or was not found; libLibTorchSharp.so left as is.", host ?? "none", NativeFix.RequiredGlibcxxVersion);
                return true;
            }
            string prebuilt = Path.Combine(NativeDirectory, NativeFix.LibraryName);
            string shim = Path.Combine(NativeDirectory, NativeFix.ShimLibraryName);
            string hashFile = Path.Combine(NativeDirectory, NativeFix.OriginalHashFileName);
            bool havePrebuilt = File.Exists(prebuilt) && File.Exists(shim) && File.Exists(hashFile);
            string originalHash = havePrebuilt ? File.ReadAllText(hashFile).Trim() : null;
            string patchedHash = havePrebuilt ? NativeFix.Sha256(prebuilt) : null;

            var unknown = new List<Microsoft.Build.Framework.ITaskItem>();
            foreach (var item in Libraries)
            {
                string library = item.GetMetadata("FullPath");
                if (!File.Exists(library))
                {
                    continue;
                }
                string folder = Path.GetDirectoryName(library);
                NativeFixAction action = NativeFix.Decide(
                    NativeFix.Sha256(library),
                    NativeFix.FileContainsAscii(library, NativeFix.ShimLibraryName),
                    File.Exists(Path.Combine(folder, NativeFix.ShimLibraryName)),
                    originalHash,
                    patchedHash);
                switch (action)
                {
                    case NativeFixAction.AlreadyPatched:
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "Manabi.Torch: {0} already patched.", library);
                        break;
                    case NativeFixAction.ReplaceWithPrebuilt:
                        NativeFix.AtomicCopy(shim, Path.Combine(folder, NativeFix.ShimLibraryName));
                        NativeFix.AtomicCopy(prebuilt, library);
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal,
                            "Manabi.Torch: host libstdc++ lacks {0}; replaced {1} with the patched copy and added {2}.",
                            NativeFix.RequiredGlibcxxVersion, library, NativeFix.ShimLibraryName);
                        break;
                    default:
                        unknown.Add(item);
                        break;
                }
            }
            if (unknown.Count > 0)
            {
                var missing = new List<string>();
                foreach (string tool in new[] { "patchelf", "cc", "readelf", "python3" })
                {
                    if (!NativeFix.OnPath(tool))
                    {
                        missing.Add(tool);
                    }
                }
                if (string.IsNullOrEmpty(FallbackScript) || !File.Exists(FallbackScript))
                {
                    missing.Add("the patch script " + (FallbackScript ?? "fix-libtorchsharp.sh"));
                }
                if (missing.Count > 0)
                {
                    foreach (var item in unknown)
                    {
                        Log.LogError(NativeFix.UnknownVersionMessage(item.GetMetadata("FullPath"), missing));
                    }
                    return false;
                }
            }
            UnknownLibraries = unknown.ToArray();
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
