using System.Text.Json;
using Manabi.Torch.Runtime;

namespace Manabi.Cli.Tests;

public sealed class DoctorCommandTests
{
    [Fact]
    public void DoctorExitsZeroAndNamesTheLibTorchVersion()
    {
        var result = CliRunner.Run("doctor");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(TorchRuntime.LibTorchVersion, result.Stdout, StringComparison.Ordinal);
        Assert.Contains("libtorch", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Fashion-MNIST", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("all-MiniLM-L6-v2", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void DoctorJsonIsMachineReadable()
    {
        var result = CliRunner.Run("doctor", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = JsonDocument.Parse(result.Stdout);
        Assert.True(document.RootElement.GetProperty("ok").GetBoolean());
        var checks = document.RootElement.GetProperty("checks").EnumerateArray().ToList();
        var libtorch = checks.Single(c => c.GetProperty("name").GetString() == "libtorch");
        Assert.Equal("ok", libtorch.GetProperty("status").GetString());
        Assert.Contains(TorchRuntime.LibTorchVersion, libtorch.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(checks, c => c.GetProperty("name").GetString() == "GLIBCXX fix");
        Assert.Contains(checks, c => c.GetProperty("name").GetString() == "CPU features");
    }
}
