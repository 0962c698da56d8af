using System.Globalization;

namespace Manabi.Cli.Tests;

public sealed class EigCommandTests
{
    private static double[] Numbers(string line) =>
        [.. line.Split(',').Select(cell => double.Parse(cell, CultureInfo.InvariantCulture))];

    [Fact]
    public void RotationHasComplexConjugateEigenvaluesPrintedAsReIm()
    {
        using var folder = new TempFolder();
        string matrix = folder.File("rotation.csv", "0,-1\n1,0\n");
        var result = CliRunner.Run("eig", "--matrix", matrix);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["0,-1", "0,1"], result.Lines);
    }

    [Fact]
    public void RealEigenvaluesPrintAloneSortedAscending()
    {
        using var folder = new TempFolder();
        string matrix = folder.File("triangular.csv", "3,2\n0,1\n");
        var result = CliRunner.Run("eig", "--matrix", matrix);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2, result.Lines.Length);
        Assert.DoesNotContain(',', result.Stdout);
        Assert.Equal(1.0, Numbers(result.Lines[0])[0], 1e-12);
        Assert.Equal(3.0, Numbers(result.Lines[1])[0], 1e-12);
    }

    [Fact]
    public void MixedRealAndComplexEigenvaluesSortByRealThenImaginary()
    {
        using var folder = new TempFolder();
        // Block diagonal: rotation (±i) and the real eigenvalue -2.
        string matrix = folder.File("mixed.csv", "0,-1,0\n1,0,0\n0,0,-2\n");
        var result = CliRunner.Run("eig", "--matrix", matrix);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["-2", "0,-1", "0,1"], result.Lines);
    }

    [Fact]
    public void SymmetricSolverPrintsRealEigenvalues()
    {
        using var folder = new TempFolder();
        string matrix = folder.File("laplacian.csv", "2,-1,0\n-1,2,-1\n0,-1,2\n");
        var result = CliRunner.Run("eig", "--matrix", matrix, "--symmetric");
        Assert.Equal(0, result.ExitCode);
        double[] values = [.. result.Lines.Select(line => Numbers(line).Single())];
        Assert.Equal([2 - Math.Sqrt(2), 2, 2 + Math.Sqrt(2)], values, (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void SymmetricVectorsFollowABlankLineAsUnitVectors()
    {
        using var folder = new TempFolder();
        string matrix = folder.File("m.csv", "2,1\n1,2\n");
        var result = CliRunner.Run("eig", "--matrix", matrix, "--symmetric", "--vectors");
        Assert.Equal(0, result.ExitCode);
        string[] lines = result.Lines;
        Assert.Equal(5, lines.Length);
        Assert.Equal(1.0, Numbers(lines[0])[0], 1e-12);
        Assert.Equal(3.0, Numbers(lines[1])[0], 1e-12);
        Assert.Equal("", lines[2]);
        double[] first = Numbers(lines[3]);
        double[] second = Numbers(lines[4]);
        Assert.Equal(1.0, Math.Sqrt(first.Sum(v => v * v)), 1e-12);
        // The eigenvector of 1 is ±(1, −1)/√2 and that of 3 is ±(1, 1)/√2.
        Assert.Equal(0.0, first[0] + first[1], 1e-12);
        Assert.Equal(0.0, second[0] - second[1], 1e-12);
    }

    [Fact]
    public void NonSymmetricMatrixWithSymmetricFlagNamesTheLine()
    {
        using var folder = new TempFolder();
        string matrix = folder.File("m.csv", "1,2\n3,4\n");
        var result = CliRunner.Run("eig", "--matrix", matrix, "--symmetric");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{matrix}:2:", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void NonSquareMatrixIsAnError()
    {
        using var folder = new TempFolder();
        string matrix = folder.File("m.csv", "1,2,3\n4,5,6\n");
        var result = CliRunner.Run("eig", "--matrix", matrix);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(matrix, result.Stderr, StringComparison.Ordinal);
        Assert.Contains("square", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void RaggedRowNamesFileAndLine()
    {
        using var folder = new TempFolder();
        string matrix = folder.File("m.csv", "# a comment\n1,2\n3\n");
        var result = CliRunner.Run("eig", "--matrix", matrix);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{matrix}:3:", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public void NonNumericCellNamesFileAndLine()
    {
        using var folder = new TempFolder();
        string matrix = folder.File("m.csv", "1,2\n\n3,x\n");
        var result = CliRunner.Run("eig", "--matrix", matrix);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{matrix}:3:", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyFileIsAnErrorWithALine()
    {
        using var folder = new TempFolder();
        string matrix = folder.File("empty.csv", "");
        var result = CliRunner.Run("eig", "--matrix", matrix);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{matrix}:1:", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        using var folder = new TempFolder();
        string missing = folder.PathOf("missing.csv");
        var result = CliRunner.Run("eig", "--matrix", missing);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(missing, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingMatrixOptionIsAParseErrorWithExitCodeTwo()
    {
        var result = CliRunner.Run("eig");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--matrix", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void HelpDocumentsTheFormat()
    {
        var result = CliRunner.Run("eig", "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("'re,im'", result.Stdout, StringComparison.Ordinal);
    }
}
