using Manabi.Build;
using Manabi.TestSupport;
using Manabi.Torch.Runtime;

namespace Manabi.Torch.Tests;

/// <summary>
/// The decisions of the fix that travels in the Manabi.Torch package (buildTransitive/ManabiNativeFix.cs), the
/// prebuilt files Manabi.Torch's build makes for it, and what TorchRuntime reports and checks before loading.
/// </summary>
public sealed class NativeFixPackageTests : IDisposable
{
    private const string Original = "aa11";
    private const string Patched = "bb22";
    private readonly string _folder = Directory.CreateTempSubdirectory("manabi-native-package-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    // TorchSharp's original: swap the prebuilt copy in, with or without a shim lying around.
    [InlineData(Original, false, false, nameof(NativeFixAction.ReplaceWithPrebuilt))]
    [InlineData(Original, false, true, nameof(NativeFixAction.ReplaceWithPrebuilt))]
    // The prebuilt copy already in place: nothing to do, unless its shim is missing.
    [InlineData(Patched, true, true, nameof(NativeFixAction.AlreadyPatched))]
    [InlineData(Patched, true, false, nameof(NativeFixAction.ReplaceWithPrebuilt))]
    // Hashes compare without regard to case (GetFileHash writes upper case).
    [InlineData("AA11", false, false, nameof(NativeFixAction.ReplaceWithPrebuilt))]
    // Another TorchSharp build: patched by the script here already, or left to the script (or an error).
    [InlineData("cc33", true, true, nameof(NativeFixAction.AlreadyPatched))]
    [InlineData("cc33", true, false, nameof(NativeFixAction.UnknownVersion))]
    [InlineData("cc33", false, true, nameof(NativeFixAction.UnknownVersion))]
    // The action comes by name: NativeFixAction is internal to Manabi.Torch, and a public test method cannot take it.
    public void Each_copy_is_matched_by_hash(string hash, bool namesShim, bool shimBeside, string expected) =>
        Assert.Equal(Enum.Parse<NativeFixAction>(expected), NativeFix.Decide(hash, namesShim, shimBeside, Original, Patched));

    [Fact]
    public void Without_prebuilt_files_every_unpatched_copy_goes_to_the_script() =>
        Assert.Equal(NativeFixAction.UnknownVersion, NativeFix.Decide(Original, false, false, null!, null!));

    [Fact]
    public void The_host_needs_the_fix_only_when_its_libstdcxx_lacks_GLIBCXX_3_4_32()
    {
        string old = Path.Combine(_folder, "old-libstdc++.so.6");
        string recent = Path.Combine(_folder, "new-libstdc++.so.6");
        File.WriteAllText(old, "GLIBCXX_3.4.30\0GLIBCXX_3.4.31\0");
        File.WriteAllText(recent, "GLIBCXX_3.4.31\0GLIBCXX_3.4.32\0");
        Assert.True(NativeFix.HostNeedsFix(old));
        Assert.False(NativeFix.HostNeedsFix(recent));
        // No libstdc++ found: no basis for patching anything.
        Assert.False(NativeFix.HostNeedsFix(null!));
        Assert.False(NativeFix.HostNeedsFix(Path.Combine(_folder, "absent")));
        Assert.Equal(old, NativeFix.FindHostLibStdCxx(old));
    }

    [Fact]
    public void Atomic_copy_replaces_the_file_and_leaves_no_temporary_behind()
    {
        string source = Path.Combine(_folder, "source");
        string destination = Path.Combine(_folder, "destination");
        File.WriteAllText(source, "patched");
        NativeFix.AtomicCopy(source, destination);
        File.WriteAllText(destination, "original");
        NativeFix.AtomicCopy(source, destination);
        Assert.Equal("patched", File.ReadAllText(destination));
        Assert.Equal(["destination", "source"], Directory.GetFiles(_folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void The_unknown_version_message_says_what_to_do() =>
        Assert.Equal(
            "Manabi.Torch: /app/libLibTorchSharp.so is not the TorchSharp-cpu 0.107.0 build that Manabi.Torch ships a patched copy of, " +
            "and this host's libstdc++ lacks GLIBCXX_3.4.32, so it will not load. Either reference TorchSharp-cpu 0.107.0 (the version " +
            "Manabi.Torch was built with), or install the tools to patch it here (patchelf, cc missing; on Debian/Ubuntu: apt-get install " +
            "-y patchelf g++ binutils python3) and build again. See docs/NATIVE.md.",
            NativeFix.UnknownVersionMessage("/app/libLibTorchSharp.so", ["patchelf", "cc"]));

    [Fact]
    public void Manabi_Torch_builds_the_prebuilt_patched_copy_from_TorchSharps_original()
    {
        string prebuilt = PrebuiltFolder();
        string original = PristineLibrary();
        Assert.Equal(NativeFix.Sha256(original), File.ReadAllText(Path.Combine(prebuilt, NativeFix.OriginalHashFileName)).Trim());
        string patched = Path.Combine(prebuilt, NativeFix.LibraryName);
        Assert.True(NativeFix.FileContainsAscii(patched, NativeFix.ShimLibraryName), "the prebuilt copy does not name the shim");
        Assert.False(NativeFix.FileContainsAscii(original, NativeFix.ShimLibraryName));
        Assert.True(File.Exists(Path.Combine(prebuilt, NativeFix.ShimLibraryName)));
    }

    [Fact]
    public void This_test_output_holds_the_prebuilt_copy_exactly_when_the_host_needs_it()
    {
        // The repository's build runs the package's targets file: on a host without GLIBCXX_3.4.32 the copy beside
        // this assembly is the prebuilt one byte for byte (not a second, script-made patch); otherwise the original.
        string beside = Path.Combine(AppContext.BaseDirectory, NativeFix.LibraryName);
        string expected = TorchRuntime.HostNeedsFix() ? Path.Combine(PrebuiltFolder(), NativeFix.LibraryName) : PristineLibrary();
        Assert.Equal(NativeFix.Sha256(expected), NativeFix.Sha256(beside));
    }

    [Fact]
    public void The_load_check_names_an_unpatched_library_on_a_host_that_needs_the_fix()
    {
        string original = PristineLibrary();
        string problem = TorchRuntime.CheckLibTorchSharp(original, hostNeedsFix: true)!;
        Assert.Contains("unpatched", problem, StringComparison.Ordinal);
        Assert.Contains("GLIBCXX_3.4.32", problem, StringComparison.Ordinal);
        Assert.Contains("dotnet build", problem, StringComparison.Ordinal);
        Assert.Null(TorchRuntime.CheckLibTorchSharp(original, hostNeedsFix: false));
        Assert.Null(TorchRuntime.CheckLibTorchSharp(Path.Combine(PrebuiltFolder(), NativeFix.LibraryName), hostNeedsFix: true));
        Assert.Contains("not in this app's native library folders", TorchRuntime.CheckLibTorchSharp(null, hostNeedsFix: false), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/app/libLibTorchSharp.so", NativeLayout.RuntimeSpecific)]
    [InlineData("/app/runtimes/linux-x64/native/libLibTorchSharp.so", NativeLayout.RuntimesFolder)]
    [InlineData("/app/cpu/libLibTorchSharp.so", NativeLayout.Elsewhere)]
    [InlineData("/application/libLibTorchSharp.so", NativeLayout.Elsewhere)]
    [InlineData(null, NativeLayout.NotFound)]
    public void The_layout_follows_where_LibTorchSharp_sits(string? path, NativeLayout expected) =>
        Assert.Equal(expected, TorchRuntime.LayoutOf(path, "/app/"));

    [Fact]
    public void Describe_reports_the_libraries_this_process_loaded()
    {
        TorchRuntimeDescription native = TorchRuntime.Describe();
        Assert.True(native.Loaded, native.LoadError);
        Assert.StartsWith("2.10", native.LibTorchVersion, StringComparison.Ordinal);
        Assert.Equal(TorchRuntime.LoadedLibTorchSharpPath, native.LibTorchSharpPath);
        Assert.Equal(TorchRuntime.FindLibTorchSharp(), native.LibTorchSharpPath);
        // The test project builds for linux-x64: LibTorchSharp sits beside the assembly.
        Assert.Equal(NativeLayout.RuntimeSpecific, native.Layout);
        Assert.Equal(native.HostNeedsFix, native.FixActive);
        Assert.Contains(native.LibTorchSharpPath!, native.ToString(), StringComparison.Ordinal);
    }

    private static string PrebuiltFolder() =>
        Path.Combine(Fixtures.RepositoryRoot, "src", "Manabi.Torch", "obj", "native", "linux-x64");

    private static string PristineLibrary()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }
}
