using System.Runtime.InteropServices;
using TorchSharp;

namespace Manabi.Torch.Runtime;

/// <summary>
/// Facts about the libtorch runtime that this process has loaded: versions, thread count, and whether
/// Manabi's GLIBCXX_3.4.32 fix for <c>libLibTorchSharp.so</c> is active (see docs/NATIVE.md).
/// </summary>
public static class TorchRuntime
{
    /// <summary>The file name of the shim library that the native fix adds beside LibTorchSharp.</summary>
    public const string ShimLibraryName = "libmanabi_ios_init.so";

    /// <summary>The libstdc++ symbol version that TorchSharp 0.107 requires and Debian 12 lacks.</summary>
    public const string RequiredGlibcxxVersion = "GLIBCXX_3.4.32";

    private static readonly Lazy<Exception?> Initialization = new(() =>
    {
        try
        {
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
    /// Loads libtorch if it is not loaded yet. Throws <see cref="InvalidOperationException"/> with an
    /// actionable message (what failed, how to check it with <c>ldd</c>) when it cannot be loaded.
    /// </summary>
    public static void EnsureLoaded()
    {
        if (Initialization.Value is { } error)
        {
            throw new InvalidOperationException(
                "libtorch could not be loaded. TorchSharp's message about a missing libtorch package reference is often " +
                $"misleading: run 'ldd {Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so")}' to see the real cause, " +
                $"and 'manabi doctor'. Underlying error: {Innermost(error).Message}", error);
        }
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
        return path is not null && FileContainsAscii(path, RequiredGlibcxxVersion);
    }

    /// <summary>The host libstdc++ path, if one is found in the usual Debian/Ubuntu/Fedora places.</summary>
    public static string? FindHostLibStdCxx()
    {
        string[] candidates =
        [
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6",
            "/usr/lib/libstdc++.so.6",
        ];
        return candidates.FirstOrDefault(File.Exists);
    }

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

    private static bool FileContainsAscii(string path, string text)
    {
        byte[] needle = System.Text.Encoding.ASCII.GetBytes(text);
        byte[] data = File.ReadAllBytes(path);
        return data.AsSpan().IndexOf(needle) >= 0;
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
