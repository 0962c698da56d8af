namespace Manabi.Cli.Tests;

public sealed class InfoCommandTests
{
    private const double Tolerance = 1e-12;

    [Fact]
    public void EntropyOfAFairCoinInBitsIsExactlyOne()
    {
        var result = CliRunner.Run("info", "entropy", "--p", "0.5,0.5", "--base", "2");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("1\n", result.Stdout.Replace("\r", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("e", 0.69314718055994530942)]
    [InlineData("2", 1.0)]
    [InlineData("10", 0.30102999566398119521)]
    public void EntropyHonoursTheLogarithmBase(string logBase, double expected)
    {
        var result = CliRunner.Run("info", "entropy", "--p", "0.5,0.5", "--base", logBase);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(expected, result.Number, Tolerance);
    }

    [Fact]
    public void EntropyDefaultsToNatsAndNormalizes()
    {
        var result = CliRunner.Run("info", "entropy", "--p", "2,2");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Math.Log(2), result.Number, Tolerance);
    }

    [Fact]
    public void NoNormalizeGivesTheSameValueForAProperDistribution()
    {
        var result = CliRunner.Run("info", "entropy", "--p", "0.25,0.25,0.25,0.25", "--base", "2", "--no-normalize");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2.0, result.Number, Tolerance);
    }

    [Fact]
    public void CrossEntropyIsEntropyPlusKl()
    {
        var result = CliRunner.Run("info", "cross-entropy", "--p", "0.5,0.5", "--q", "0.25,0.75", "--base", "2");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(-0.5 * Math.Log2(0.25) - 0.5 * Math.Log2(0.75), result.Number, Tolerance);
    }

    [Fact]
    public void KlMatchesItsDefinitionAndIsAsymmetric()
    {
        double expectedPq = 0.5 * Math.Log(0.5 / 0.9) + 0.5 * Math.Log(0.5 / 0.1);
        double expectedQp = 0.9 * Math.Log(0.9 / 0.5) + 0.1 * Math.Log(0.1 / 0.5);
        Assert.Equal(expectedPq, CliRunner.Run("info", "kl", "--p", "0.5,0.5", "--q", "0.9,0.1").Number, Tolerance);
        Assert.Equal(expectedQp, CliRunner.Run("info", "kl", "--p", "0.9,0.1", "--q", "0.5,0.5").Number, Tolerance);
    }

    [Fact]
    public void KlIsInfiniteWhenQIsZeroWherePIsNot()
    {
        var result = CliRunner.Run("info", "kl", "--p", "0.5,0.5", "--q", "1,0");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("inf", result.Stdout.Trim());
    }

    [Fact]
    public void JsonPrintsInfinityAsAString()
    {
        var result = CliRunner.Run("info", "kl", "--p", "0.5,0.5", "--q", "1,0", "--json");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("{\"value\": \"Infinity\"}", result.Stdout.Trim());
    }

    [Fact]
    public void JsonPrintsAValue()
    {
        var result = CliRunner.Run("info", "entropy", "--p", "0.5,0.5", "--base", "bits", "--json");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("{\"value\": 1}", result.Stdout.Trim());
    }

    [Fact]
    public void JensenShannonOfDisjointDistributionsIsOneBit()
    {
        Assert.Equal(1.0, CliRunner.Run("info", "js", "--p", "1,0", "--q", "0,1", "--base", "2").Number, Tolerance);
        Assert.Equal(Math.Log(2), CliRunner.Run("info", "js", "--p", "1,0", "--q", "0,1").Number, Tolerance);
        Assert.Equal(1.0, CliRunner.Run("info", "js-distance", "--p", "1,0", "--q", "0,1", "--base", "2").Number, Tolerance);
    }

    [Fact]
    public void JensenShannonIsSymmetricAndMatchesItsDefinition()
    {
        double[] p = [0.5, 0.5];
        double[] q = [0.9, 0.1];
        double[] m = [0.7, 0.3];
        double expected = 0.5 * (p[0] * Math.Log(p[0] / m[0]) + p[1] * Math.Log(p[1] / m[1]))
                        + 0.5 * (q[0] * Math.Log(q[0] / m[0]) + q[1] * Math.Log(q[1] / m[1]));
        Assert.Equal(expected, CliRunner.Run("info", "js", "--p", "0.5,0.5", "--q", "0.9,0.1").Number, Tolerance);
        Assert.Equal(expected, CliRunner.Run("info", "js", "--p", "0.9,0.1", "--q", "0.5,0.5").Number, Tolerance);
        Assert.Equal(Math.Sqrt(expected), CliRunner.Run("info", "js-distance", "--p", "0.9,0.1", "--q", "0.5,0.5").Number, Tolerance);
    }

    [Fact]
    public void JeffreysIsTheMeanOfBothKlDirections()
    {
        double klPq = 0.5 * Math.Log(0.5 / 0.9) + 0.5 * Math.Log(0.5 / 0.1);
        double klQp = 0.9 * Math.Log(0.9 / 0.5) + 0.1 * Math.Log(0.1 / 0.5);
        var result = CliRunner.Run("info", "jeffreys", "--p", "0.5,0.5", "--q", "0.9,0.1");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal((klPq + klQp) / 2, result.Number, Tolerance);
        Assert.Equal("inf", CliRunner.Run("info", "jeffreys", "--p", "0.5,0.5", "--q", "1,0").Stdout.Trim());
    }

    [Fact]
    public void CsvPrintsOneValuePerRowSkippingBlankAndCommentLines()
    {
        using var folder = new TempFolder();
        string p = folder.File("p.csv", "# coins\n0.5,0.5\n\n1,0\n0.25,0.25,0.25,0.25\n");
        var result = CliRunner.Run("info", "entropy", "--csv", p, "--base", "2");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(3, result.Lines.Length);
        Assert.Equal(1.0, double.Parse(result.Lines[0], System.Globalization.CultureInfo.InvariantCulture), Tolerance);
        Assert.Equal(0.0, double.Parse(result.Lines[1], System.Globalization.CultureInfo.InvariantCulture), Tolerance);
        Assert.Equal(2.0, double.Parse(result.Lines[2], System.Globalization.CultureInfo.InvariantCulture), Tolerance);
    }

    [Fact]
    public void CsvWithQCsvComparesRowByRow()
    {
        using var folder = new TempFolder();
        string p = folder.File("p.csv", "1,0\n0.5,0.5\n0.5,0.5\n");
        string q = folder.File("q.csv", "0,1\n0.5,0.5\n1,0\n");
        var result = CliRunner.Run("info", "js", "--csv", p, "--q-csv", q, "--base", "2");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(3, result.Lines.Length);
        Assert.Equal(1.0, double.Parse(result.Lines[0], System.Globalization.CultureInfo.InvariantCulture), Tolerance);
        Assert.Equal(0.0, double.Parse(result.Lines[1], System.Globalization.CultureInfo.InvariantCulture), Tolerance);

        var kl = CliRunner.Run("info", "kl", "--csv", p, "--q-csv", q, "--json");
        Assert.Equal(0, kl.ExitCode);
        Assert.StartsWith("{\"values\": [\"Infinity\", 0, \"Infinity\"]", kl.Stdout.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void CsvRowsCanShareOneInlineQ()
    {
        using var folder = new TempFolder();
        string p = folder.File("p.csv", "0.5,0.5\n0.5,0.5\n");
        var result = CliRunner.Run("info", "kl", "--csv", p, "--q", "0.5,0.5");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["0", "0"], result.Lines);
    }

    [Fact]
    public void QCsvWithADifferentRowCountIsAnError()
    {
        using var folder = new TempFolder();
        string p = folder.File("p.csv", "0.5,0.5\n0.5,0.5\n");
        string q = folder.File("q.csv", "0.5,0.5\n");
        var result = CliRunner.Run("info", "kl", "--csv", p, "--q-csv", q);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--q-csv", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("q.csv", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public void RowLengthMismatchNamesBothLines()
    {
        using var folder = new TempFolder();
        string p = folder.File("p.csv", "0.5,0.5\n0.5,0.5\n");
        string q = folder.File("q.csv", "0.5,0.5\n0.2,0.3,0.5\n");
        var result = CliRunner.Run("info", "kl", "--csv", p, "--q-csv", q);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{q}:2", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingQIsAnErrorNamingTheOption()
    {
        var result = CliRunner.Run("info", "kl", "--p", "0.5,0.5");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--q", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingPIsAnErrorNamingTheOption()
    {
        var result = CliRunner.Run("info", "entropy");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--p", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.5,abc", "--p")]
    [InlineData("0.5,,0.5", "--p")]
    [InlineData("0.5,-0.5", "--p")]
    [InlineData("0.5,NaN", "--p")]
    public void BadInlineNumbersAreErrorsNamingTheOption(string p, string option)
    {
        var result = CliRunner.Run("info", "entropy", "--p", p);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(option, result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public void NegativeQIsAnErrorNamingTheOption()
    {
        var result = CliRunner.Run("info", "kl", "--p", "0.5,0.5", "--q", "1.5,-0.5");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--q", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void InlineLengthMismatchIsAnError()
    {
        var result = CliRunner.Run("info", "kl", "--p", "0.5,0.5", "--q", "0.2,0.3,0.5");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--q", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void BadNumberInCsvNamesFileAndLine()
    {
        using var folder = new TempFolder();
        string p = folder.File("p.csv", "# header comment\n0.5,0.5\n0.5,oops\n");
        var result = CliRunner.Run("info", "entropy", "--csv", p);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{p}:3:", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeValueInCsvNamesFileAndLine()
    {
        using var folder = new TempFolder();
        string p = folder.File("p.csv", "0.5,0.5\n\n-0.5,1.5\n");
        var result = CliRunner.Run("info", "entropy", "--csv", p);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{p}:3:", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingCsvFileIsNamed()
    {
        using var folder = new TempFolder();
        string missing = folder.PathOf("nope.csv");
        var result = CliRunner.Run("info", "entropy", "--csv", missing);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(missing, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void BadBaseIsAnErrorNamingTheOption()
    {
        var result = CliRunner.Run("info", "entropy", "--p", "0.5,0.5", "--base", "banana");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--base", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownOptionIsAParseErrorWithExitCodeTwo()
    {
        var result = CliRunner.Run("info", "entropy", "--p", "0.5,0.5", "--bogus");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--bogus", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void HelpDocumentsTheInfinityFormat()
    {
        var result = CliRunner.Run("info", "kl", "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("'inf'", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("--q-csv", result.Stdout, StringComparison.Ordinal);
    }
}
