using System.Diagnostics;
using Manabi.TestSupport;

namespace Manabi.Torch.Tests;

/// <summary>
/// Exercises build/native/fix-libtorchsharp.sh on copies of TorchSharp's pristine libLibTorchSharp.so, pretending
/// the host libstdc++ has or lacks GLIBCXX_3.4.32 (MANABI_HOST_LIBSTDCXX), so both branches are proven on any host.
/// </summary>
public sealed class NativeFixScriptTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("manabi-native-fix-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Nothing_is_patched_when_the_host_has_GLIBCXX_3_4_32()
    {
        string lib = CopyPristineLibrary();
        byte[] before = File.ReadAllBytes(lib);
        string fakeHost = FakeHostLibStdCxx("GLIBCXX_3.4.30\0GLIBCXX_3.4.31\0GLIBCXX_3.4.32\0");

        var (exitCode, output) = RunScript(fakeHost);

        Assert.True(exitCode == 0, output);
        Assert.Contains("nothing to patch", output, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(lib));
        Assert.False(File.Exists(Path.Combine(_folder, "libmanabi_ios_init.so")));
    }

    [Fact]
    public void All_three_changes_are_made_when_the_host_lacks_GLIBCXX_3_4_32_and_a_second_run_changes_nothing()
    {
        string lib = CopyPristineLibrary();
        string fakeHost = FakeHostLibStdCxx("GLIBCXX_3.4.30\0");
        Assert.Contains("(GLIBCXX_3.4.32) _ZSt21ios_base_library_initv", Tool("objdump", "-T", lib), StringComparison.Ordinal);

        var (exitCode, output) = RunScript(fakeHost);
        Assert.True(exitCode == 0, output);

        // 1. the symbol's version is cleared,
        string symbols = Tool("objdump", "-T", lib);
        Assert.Contains("_ZSt21ios_base_library_initv", symbols, StringComparison.Ordinal);
        Assert.DoesNotContain("(GLIBCXX_3.4.32) _ZSt21ios_base_library_initv", symbols, StringComparison.Ordinal);
        // 2. the shim is a needed library and sits beside it, defining the symbol,
        Assert.Contains("[libmanabi_ios_init.so]", Tool("readelf", "-d", lib), StringComparison.Ordinal);
        string shim = Path.Combine(_folder, "libmanabi_ios_init.so");
        Assert.True(File.Exists(shim));
        Assert.Contains("_ZSt21ios_base_library_initv", Tool("objdump", "-T", shim), StringComparison.Ordinal);
        // 3. the GLIBCXX_3.4.32 requirement is weak.
        string versions = Tool("readelf", "-V", lib);
        string requirement = versions.Split('\n').Single(l => l.Contains("Name: GLIBCXX_3.4.32", StringComparison.Ordinal));
        Assert.Contains("WEAK", requirement, StringComparison.Ordinal);

        byte[] patched = File.ReadAllBytes(lib);
        var (secondExit, secondOutput) = RunScript(fakeHost);
        Assert.True(secondExit == 0, secondOutput);
        Assert.Contains("already patched", secondOutput, StringComparison.Ordinal);
        Assert.Equal(patched, File.ReadAllBytes(lib));
    }

    private string CopyPristineLibrary()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string pristine = Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!File.Exists(pristine))
        {
            throw new FileNotFoundException($"TorchSharp's unpatched libLibTorchSharp.so is expected in the NuGet cache at {pristine} (restore the solution first).");
        }
        string copy = Path.Combine(_folder, "libLibTorchSharp.so");
        File.Copy(pristine, copy);
        return copy;
    }

    private string FakeHostLibStdCxx(string versionStrings)
    {
        string path = Path.Combine(_folder, "fake-libstdc++.so.6");
        File.WriteAllText(path, versionStrings);
        return path;
    }

    private (int ExitCode, string Output) RunScript(string hostLibStdCxx)
    {
        string script = Path.Combine(Fixtures.RepositoryRoot, "build", "native", "fix-libtorchsharp.sh");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(_folder);
        start.Environment["MANABI_HOST_LIBSTDCXX"] = hostLibStdCxx;
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    private static string Tool(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {tool} (apt-get install binutils)");
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
