using System.Globalization;

namespace Manabi.Cli.Tests;

public sealed class PcaCommandTests
{
    // Points on the line y = 2x plus a perpendicular wobble of known variance.
    private const string LineData = "x,y\n-2,-4\n-1,-2\n0,0\n1,2\n2,4\n";

    [Fact]
    public void CollinearDataHasAllVarianceInTheFirstComponent()
    {
        using var folder = new TempFolder();
        string input = folder.File("x.csv", LineData);
        var result = CliRunner.Run("pca", "--input", input, "--components", "2", "--header");
        Assert.Equal(0, result.ExitCode);
        double[] ratios = [.. result.Lines.Select(line => double.Parse(line, CultureInfo.InvariantCulture))];
        Assert.Equal(2, ratios.Length);
        Assert.Equal(1.0, ratios[0], 1e-12);
        Assert.Equal(0.0, ratios[1], 1e-12);
    }

    [Fact]
    public void RatiosMatchKnownVariances()
    {
        using var folder = new TempFolder();
        // Axis-aligned data: variance along x is 4× the variance along y, so ratios are 0.8 and 0.2.
        string input = folder.File("x.csv", "2,0\n-2,0\n0,1\n0,-1\n");
        var result = CliRunner.Run("pca", "--input", input, "--components", "2");
        Assert.Equal(0, result.ExitCode);
        double[] ratios = [.. result.Lines.Select(line => double.Parse(line, CultureInfo.InvariantCulture))];
        Assert.Equal(0.8, ratios[0], 1e-12);
        Assert.Equal(0.2, ratios[1], 1e-12);
    }

    [Fact]
    public void TransformWritesTheProjectionAtomically()
    {
        using var folder = new TempFolder();
        string input = folder.File("x.csv", LineData);
        string output = folder.PathOf("out/z.csv");
        var result = CliRunner.Run("pca", "--input", input, "--components", "1", "--header", "--transform", output);
        Assert.Equal(0, result.ExitCode);
        string[] lines = File.ReadAllLines(output);
        Assert.Equal("pc1", lines[0]);
        double[] z = [.. lines.Skip(1).Select(line => double.Parse(line, CultureInfo.InvariantCulture))];
        Assert.Equal(5, z.Length);
        // Projections are ±t·√5 along the line, up to the component's sign.
        Assert.Equal(2 * Math.Sqrt(5), Math.Abs(z[0]), 1e-12);
        Assert.Equal(0.0, z[2], 1e-12);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(output)!));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("3")]
    public void ComponentsOutOfRangeNamesTheOption(string components)
    {
        using var folder = new TempFolder();
        string input = folder.File("x.csv", LineData);
        var result = CliRunner.Run("pca", "--input", input, "--components", components, "--header");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--components", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void HeaderWithoutTheFlagNamesLineOneAndHints()
    {
        using var folder = new TempFolder();
        string input = folder.File("x.csv", LineData);
        var result = CliRunner.Run("pca", "--input", input, "--components", "1");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{input}:1:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--header", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void RaggedRowAfterHeaderNamesTheLine()
    {
        using var folder = new TempFolder();
        string input = folder.File("x.csv", "a,b\n1,2\n3,4,5\n");
        var result = CliRunner.Run("pca", "--input", input, "--components", "1", "--header");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{input}:3:", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void NonIntegerComponentsIsAParseError()
    {
        var result = CliRunner.Run("pca", "--input", "x.csv", "--components", "two");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--components", result.Stderr, StringComparison.Ordinal);
    }
}
