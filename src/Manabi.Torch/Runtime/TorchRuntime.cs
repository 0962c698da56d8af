using System.Runtime.InteropServices;
using Manabi.Build;
using TorchSharp;

namespace Manabi.Torch.Runtime;

/// <summary>
/// Facts about the libtorch runtime that this process has loaded: versions, thread count, and whether
/// Manabi's GLIBCXX_3.4.32 fix for <c>libLibTorchSharp.so</c> is active (see docs/NATIVE.md).
/// </summary>
public static class TorchRuntime
{
    /// <summary>The file name of the shim library that the native fix adds beside LibTorchSharp.</summary>
    public const string ShimLibraryName = NativeFix.ShimLibraryName;

    /// <summary>The libstdc++ symbol version that TorchSharp 0.107 requires and Debian 12 lacks.</summary>
    public const string RequiredGlibcxxVersion = NativeFix.RequiredGlibcxxVersion;

    /// <summary>TorchSharp's native library on Linux.</summary>
    public const string LibTorchSharpFileName = NativeFix.LibraryName;

    /// <summary>Set to 1 to skip the check made before TorchSharp loads (for a libtorch loaded by other means).</summary>
    public const string SkipPreflightVariable = "MANABI_SKIP_NATIVE_PREFLIGHT";

    private static readonly Lazy<Exception?> Initialization = new(() =>
    {
        try
        {
            // Before TorchSharp tries: when its regular load fails it copies ~480 MB of libtorch from the NuGet cache
            // into <app>/cpu/ and then reports a missing package reference, which hides the real cause.
            Preflight();
            // Touching the torch class runs its static initialiser, which loads LibTorchSharp and libtorch.
            _ = torch.get_num_threads();
            return null;
        }
        catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or NotSupportedException or InvalidOperationException)
        {
            return ex;
        }
    });

    /// <summary>
    /// Loads libtorch if it is not loaded yet. Throws <see cref="InvalidOperationException"/> with an actionable
    /// message (what is wrong, how to fix it) when it cannot be loaded. On Linux x64 it first finds the
    /// <c>libLibTorchSharp.so</c> the app will load and checks it, so that an unpatched library on a host without
    /// GLIBCXX_3.4.32 is reported as such rather than as TorchSharp's misleading missing-package message.
    /// </summary>
    public static void EnsureLoaded()
    {
        if (Initialization.Value is { } error)
        {
            if (error is NativeLibraryException)
            {
                throw new InvalidOperationException(error.Message, error);
            }
            string library = FindLibTorchSharp() ?? Path.Combine(AppContext.BaseDirectory, LibTorchSharpFileName);
            throw new InvalidOperationException(
                "libtorch could not be loaded. TorchSharp's message about a missing libtorch package reference is often " +
                $"misleading: run 'ldd {library}' to see the real cause, " +
                $"and 'manabi doctor'. Underlying error: {Innermost(error).Message}", error);
        }
    }

    /// <summary>
    /// The <c>libLibTorchSharp.so</c> this process loads (or would load): the first one in the host's native search
    /// folders (the app folder for a runtime-specific build, <c>runtimes/linux-x64/native/</c> for a build without a
    /// runtime identifier), then beside TorchSharp.dll. Null when there is none (or not on Linux).
    /// </summary>
    public static string? FindLibTorchSharp()
    {
        if (!IsLinux)
        {
            return null;
        }
        var folders = new List<string>();
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string searchDirectories)
        {
            folders.AddRange(searchDirectories.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        }
        string torchSharpFolder = Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? AppContext.BaseDirectory;
        folders.Add(torchSharpFolder);
        folders.Add(Path.Combine(torchSharpFolder, "runtimes", "linux-x64", "native"));
        return folders.Select(f => Path.GetFullPath(Path.Combine(f, LibTorchSharpFileName))).FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// What stops <paramref name="libTorchSharpPath"/> from loading on this host, judged from the file alone, or null
    /// when nothing does: a missing library, or TorchSharp's unpatched one where the host libstdc++ lacks
    /// <see cref="RequiredGlibcxxVersion"/> (the patched copy names <see cref="ShimLibraryName"/>).
    /// </summary>
    /// <param name="libTorchSharpPath">The library the app would load (<see cref="FindLibTorchSharp"/>), or null.</param>
    /// <param name="hostNeedsFix">Whether the host libstdc++ lacks <see cref="RequiredGlibcxxVersion"/>.</param>
    public static string? CheckLibTorchSharp(string? libTorchSharpPath, bool hostNeedsFix)
    {
        if (libTorchSharpPath is null || !File.Exists(libTorchSharpPath))
        {
            return $"{LibTorchSharpFileName} is not in this app's native library folders ({AppContext.BaseDirectory} or its runtimes/linux-x64/native/). " +
                "Reference TorchSharp-cpu 0.107.0 (the Manabi.Torch package brings it) and build or publish for linux-x64 or without a runtime identifier.";
        }
        if (hostNeedsFix && !NativeFix.FileContainsAscii(libTorchSharpPath, ShimLibraryName))
        {
            return $"{libTorchSharpPath} is TorchSharp's unpatched build, which needs {RequiredGlibcxxVersion} (GCC 13's libstdc++), and this host's " +
                $"libstdc++ ({FindHostLibStdCxx()}) lacks it, so libtorch cannot load. The Manabi.Torch package patches it when the app is built " +
                "or published on such a host: run 'dotnet build' (or 'dotnet publish') again on this machine rather than copying an output " +
                $"built elsewhere (a copy made with a newer libstdc++ is left unpatched). Alternatively install a libstdc++ with {RequiredGlibcxxVersion} (GCC 13 or later). " +
                $"'ldd {libTorchSharpPath}' shows the missing version.";
        }
        return null;
    }

    private static void Preflight()
    {
        if (!IsLinux || RuntimeInformation.OSArchitecture != Architecture.X64 ||
            Environment.GetEnvironmentVariable(SkipPreflightVariable) == "1")
        {
            return;
        }
        string? library = FindLibTorchSharp();
        if (CheckLibTorchSharp(library, HostNeedsFix()) is { } problem)
        {
            throw new NativeLibraryException(problem);
        }
        try
        {
            // The same file TorchSharp loads next; dlopen then hands it the handle this load made.
            NativeLibrary.Load(library!);
        }
        catch (DllNotFoundException ex)
        {
            throw new NativeLibraryException(
                $"{library} could not be loaded: {ex.Message}. Run 'ldd {library}' to see which library or symbol version is missing, " +
                "and 'manabi doctor'.", ex);
        }
    }

    /// <summary>A load problem found before TorchSharp tried; its message is already the whole story.</summary>
    private sealed class NativeLibraryException : InvalidOperationException
    {
        public NativeLibraryException(string message) : base(message) { }

        public NativeLibraryException(string message, Exception inner) : base(message, inner) { }
    }

    /// <summary>True when libtorch loaded in this process.</summary>
    public static bool IsLoaded => Initialization.Value is null;

    /// <summary>The TorchSharp assembly version.</summary>
    public static string TorchSharpVersion =>
        typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The libtorch version TorchSharp was built against (from its package metadata), e.g. "2.10.0".</summary>
    public static string LibTorchVersion
    {
        get
        {
            EnsureLoaded();
            return torch.__version__;
        }
    }

    /// <summary>libtorch's intra-op thread count.</summary>
    public static int Threads
    {
        get
        {
            EnsureLoaded();
            return torch.get_num_threads();
        }
    }

    /// <summary>The absolute paths of the shared libraries mapped into this process (from /proc/self/maps).</summary>
    public static IReadOnlyList<string> MappedLibraries()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps))
        {
            return [];
        }
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(maps))
        {
            int slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0 && line.Contains(".so", StringComparison.Ordinal))
            {
                result.Add(line[slash..].Trim());
            }
        }
        return [.. result];
    }

    /// <summary>The path of the loaded <c>libLibTorchSharp.so</c>, or null when it is not loaded.</summary>
    public static string? LoadedLibTorchSharpPath =>
        MappedLibraries().FirstOrDefault(p => Path.GetFileName(p) == "libLibTorchSharp.so");

    /// <summary>The path of the loaded <c>libtorch_cpu.so</c>, or null when it is not loaded.</summary>
    public static string? LoadedLibTorchCpuPath =>
        MappedLibraries().FirstOrDefault(p => Path.GetFileName(p) == "libtorch_cpu.so");

    /// <summary>True when the patched LibTorchSharp and its shim are the ones mapped into this process.</summary>
    public static bool NativeFixActive =>
        MappedLibraries().Any(p => Path.GetFileName(p) == ShimLibraryName);

    /// <summary>True when the host's libstdc++ already exports <see cref="RequiredGlibcxxVersion"/>, so no fix is needed.</summary>
    public static bool HostHasRequiredGlibcxx()
    {
        string? path = FindHostLibStdCxx();
        return path is not null && NativeFix.FileContainsAscii(path, RequiredGlibcxxVersion);
    }

    /// <summary>
    /// True on Linux when a host libstdc++ is found and lacks <see cref="RequiredGlibcxxVersion"/>: the same decision the
    /// package's build step makes (buildTransitive/Manabi.Torch.targets).
    /// </summary>
    public static bool HostNeedsFix() => IsLinux && FindHostLibStdCxx() is not null && !HostHasRequiredGlibcxx();

    /// <summary>
    /// The host libstdc++ path: <c>MANABI_HOST_LIBSTDCXX</c> when set (as the build honours it), else the first found in
    /// the usual Debian/Ubuntu/Fedora places.
    /// </summary>
    public static string? FindHostLibStdCxx()
    {
        // The build's own search (buildTransitive/ManabiNativeFix.cs), so the report and the build agree; an override
        // that names no file finds nothing.
        string found = NativeFix.FindHostLibStdCxx(Environment.GetEnvironmentVariable("MANABI_HOST_LIBSTDCXX"));
        return found is not null && File.Exists(found) ? found : null;
    }

    /// <summary>
    /// Everything about the native side at once: versions, the libraries actually mapped, whether the host needs
    /// the GLIBCXX fix and whether it is active, and the output layout. Loads libtorch if it can, never throws for a
    /// load failure (see <see cref="TorchRuntimeDescription.LoadError"/>).
    /// </summary>
    public static TorchRuntimeDescription Describe()
    {
        string? loadError = null;
        try
        {
            EnsureLoaded();
        }
        catch (InvalidOperationException ex)
        {
            loadError = ex.Message;
        }
        string? libTorchSharp = LoadedLibTorchSharpPath;
        return new TorchRuntimeDescription(
            Loaded: loadError is null,
            LoadError: loadError,
            TorchSharpVersion: TorchSharpVersion,
            LibTorchVersion: loadError is null ? torch.__version__ : null,
            LibTorchSharpPath: libTorchSharp,
            LibTorchCpuPath: LoadedLibTorchCpuPath,
            HostLibStdCxx: FindHostLibStdCxx(),
            HostNeedsFix: HostNeedsFix(),
            FixActive: NativeFixActive,
            Layout: LayoutOf(libTorchSharp ?? FindLibTorchSharp(), AppContext.BaseDirectory));
    }

    /// <summary>Which output layout a <c>libLibTorchSharp.so</c> path belongs to, relative to the app folder.</summary>
    /// <param name="libTorchSharpPath">The library's path, or null when none was found.</param>
    /// <param name="appFolder">The app folder (<see cref="AppContext.BaseDirectory"/>).</param>
    public static NativeLayout LayoutOf(string? libTorchSharpPath, string appFolder)
    {
        if (libTorchSharpPath is null)
        {
            return NativeLayout.NotFound;
        }
        string folder = Path.GetFullPath(Path.GetDirectoryName(libTorchSharpPath) ?? ".").TrimEnd('/');
        string app = Path.GetFullPath(appFolder).TrimEnd('/');
        if (folder == app)
        {
            return NativeLayout.RuntimeSpecific;
        }
        return folder.StartsWith(Path.Combine(app, "runtimes") + "/", StringComparison.Ordinal)
            ? NativeLayout.RuntimesFolder
            : NativeLayout.Elsewhere;
    }

    /// <summary>
    /// Whether the CPU has bfloat16 matrix units (AMX-BF16 or AVX-512-BF16), where libtorch's bfloat16 matrix products
    /// are about twice as fast as float32; without them bfloat16 is emulated and slower than float32.
    /// </summary>
    public static bool CpuSupportsBFloat16 => CpuInfoFlag("amx_bf16") || CpuInfoFlag("avx512_bf16");

    /// <summary>A one-line description of the CPU's vector features relevant to libtorch kernels.</summary>
    public static string CpuFeatures()
    {
        var features = new List<string>();
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported) features.Add("AVX2");
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported) features.Add("FMA");
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported) features.Add("AVX-512F");
        if (System.Runtime.Intrinsics.X86.Avx512BW.IsSupported) features.Add("AVX-512BW");
        if (System.Runtime.Intrinsics.X86.Avx512Vbmi.IsSupported) features.Add("AVX-512VBMI");
        if (CpuInfoFlag("avx512_bf16")) features.Add("AVX-512BF16");
        if (CpuInfoFlag("amx_bf16")) features.Add("AMX-BF16");
        if (System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported) features.Add("NEON");
        string summary = features.Count == 0 ? "none detected" : string.Join(' ', features);
        // BF16 matters for mixed-precision CPU training; say explicitly when it is absent.
        return features.Any(f => f.Contains("BF16", StringComparison.Ordinal)) ? summary : summary + " (no BF16)";
    }

    private static bool CpuInfoFlag(string flag)
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (!File.Exists(cpuinfo))
        {
            return false;
        }
        foreach (string line in File.ReadLines(cpuinfo))
        {
            if (line.StartsWith("flags", StringComparison.Ordinal))
            {
                return line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(flag);
            }
        }
        return false;
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }
        return ex;
    }

    /// <summary>True on Linux, where the native fix applies.</summary>
    public static bool IsLinux => RuntimeInformation.IsOSPlatform(OSPlatform.Linux);
}

/// <summary>Where the loaded <c>libLibTorchSharp.so</c> sits relative to the app.</summary>
public enum NativeLayout
{
    /// <summary>No libLibTorchSharp.so was found.</summary>
    NotFound,

    /// <summary>Beside the app: a build or publish with a runtime identifier (<c>-r linux-x64</c>).</summary>
    RuntimeSpecific,

    /// <summary>Under the app's <c>runtimes/&lt;rid&gt;/native/</c>: a build or publish without a runtime identifier.</summary>
    RuntimesFolder,

    /// <summary>Somewhere else, e.g. TorchSharp's <c>cpu/</c> copy of the NuGet cache or a Python install.</summary>
    Elsewhere,
}

/// <summary>The native side of TorchSharp in this process, as reported by <see cref="TorchRuntime.Describe"/>.</summary>
/// <param name="Loaded">Whether libtorch loaded.</param>
/// <param name="LoadError">Why it did not (what is wrong and how to fix it), or null.</param>
/// <param name="TorchSharpVersion">The TorchSharp assembly version.</param>
/// <param name="LibTorchVersion">The libtorch version, e.g. "2.10.0", or null when not loaded.</param>
/// <param name="LibTorchSharpPath">The <c>libLibTorchSharp.so</c> mapped into this process (/proc/self/maps), or null.</param>
/// <param name="LibTorchCpuPath">The <c>libtorch_cpu.so</c> mapped into this process, or null.</param>
/// <param name="HostLibStdCxx">The host libstdc++ examined, or null when none was found.</param>
/// <param name="HostNeedsFix">Whether the host libstdc++ lacks GLIBCXX_3.4.32, so the patched library is needed.</param>
/// <param name="FixActive">Whether the shim (<see cref="TorchRuntime.ShimLibraryName"/>) is mapped: the patched library is in use.</param>
/// <param name="Layout">Where LibTorchSharp sits relative to the app.</param>
public sealed record TorchRuntimeDescription(
    bool Loaded,
    string? LoadError,
    string TorchSharpVersion,
    string? LibTorchVersion,
    string? LibTorchSharpPath,
    string? LibTorchCpuPath,
    string? HostLibStdCxx,
    bool HostNeedsFix,
    bool FixActive,
    NativeLayout Layout)
{
    /// <summary>A few lines for people: what loaded from where, and the state of the fix.</summary>
    public override string ToString() =>
        string.Join(Environment.NewLine,
            $"TorchSharp {TorchSharpVersion}, libtorch {(Loaded ? LibTorchVersion : "not loaded: " + LoadError)}",
            $"libLibTorchSharp: {LibTorchSharpPath ?? "not mapped"} ({Layout})",
            $"libtorch_cpu: {LibTorchCpuPath ?? "not mapped"}",
            $"host libstdc++: {HostLibStdCxx ?? "not found"}; GLIBCXX_3.4.32 fix {(HostNeedsFix ? "needed" : "not needed")}, {(FixActive ? "active" : "not active")}");
}
