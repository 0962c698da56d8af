namespace Manabi.Numerics.Tests.Divergences;

/// <summary>Bad inputs throw ArgumentException whose message names the argument and the index.</summary>
public sealed class InformationTheoryErrorTests
{
    public static TheoryData<double, string> BadEntries() => new()
    {
        { -0.2, "is negative (-0.2)" },
        { double.NaN, "is NaN" },
        { double.PositiveInfinity, "is infinite" },
        { double.NegativeInfinity, "is infinite" },
    };

    [Theory]
    [MemberData(nameof(BadEntries))]
    public void ABadEntryOfPIsNamedWithItsIndex(double bad, string problem)
    {
        // Long enough that the bad entry sits in the vectorized body, not the scalar tail.
        double[] p = Enumerable.Repeat(0.1, 37).ToArray();
        double[] q = Enumerable.Repeat(0.1, 37).ToArray();
        p[3] = bad;
        var error = Assert.Throws<ArgumentException>(() => InformationTheory.KullbackLeibler(p, q));
        Assert.Equal("p", error.ParamName);
        Assert.Contains($"p[3] {problem}", error.Message);
        Assert.Contains("p[3]", Assert.Throws<ArgumentException>(() => InformationTheory.Entropy(p)).Message);
        Assert.Contains("p[3]", Assert.Throws<ArgumentException>(() => InformationTheory.JensenShannonDivergence(p, q, normalize: false)).Message);
    }

    [Theory]
    [MemberData(nameof(BadEntries))]
    public void ABadEntryOfQIsNamedWithItsIndex(double bad, string problem)
    {
        double[] p = [0.25, 0.25, 0.5];
        double[] q = [0.25, 0.25, 0.5];
        q[2] = bad;
        var error = Assert.Throws<ArgumentException>(() => InformationTheory.HalfJeffreys(p, q));
        Assert.Equal("q", error.ParamName);
        Assert.Contains($"q[2] {problem}", error.Message);
        Assert.Contains("q[2]", Assert.Throws<ArgumentException>(() => InformationTheory.CrossEntropy(p, q)).Message);
    }

    [Fact]
    public void ABadFloatEntryIsNamedWithItsIndex()
    {
        float[] p = Enumerable.Repeat(0.1f, 40).ToArray();
        p[33] = float.NaN;
        var error = Assert.Throws<ArgumentException>(() => InformationTheory.JensenShannonDistance(p, p));
        Assert.Contains("p[33] is NaN", error.Message);
        p[33] = -1f;
        Assert.Contains("p[33] is negative", Assert.Throws<ArgumentException>(() => InformationTheory.Entropy(p)).Message);
    }

    [Fact]
    public void LengthMismatchNamesBothLengths()
    {
        var error = Assert.Throws<ArgumentException>(() => InformationTheory.KullbackLeibler([0.5, 0.5], [0.2, 0.3, 0.5]));
        Assert.Equal("q", error.ParamName);
        Assert.Contains("q has length 3 but p has length 2", error.Message);
        Assert.Throws<ArgumentException>(() => InformationTheory.JensenShannonDistance(new float[2], new float[1]));
    }

    [Fact]
    public void AllZeroInputCannotBeNormalized()
    {
        var error = Assert.Throws<ArgumentException>(() => InformationTheory.Entropy([0.0, 0.0, 0.0]));
        Assert.Equal("p", error.ParamName);
        Assert.Contains("all zeros", error.Message);
        var errorQ = Assert.Throws<ArgumentException>(() => InformationTheory.KullbackLeibler([1.0, 0.0], [0.0, 0.0]));
        Assert.Equal("q", errorQ.ParamName);
        // Without normalization an all-zero vector is legitimate: every term is 0·log 0 = 0.
        Assert.Equal(0.0, InformationTheory.Entropy([0.0, 0.0], normalize: false));
    }

    [Fact]
    public void EmptyInputIsRejected()
    {
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => InformationTheory.Entropy(ReadOnlySpan<double>.Empty)).Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => InformationTheory.KullbackLeibler(ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty)).Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => InformationTheory.LogSumExp([])).Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => InformationTheory.EntropyFromLogits([])).Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => InformationTheory.EntropyRows(ReadOnlySpan<double>.Empty, 3, [])).Message);
    }

    [Fact]
    public void RowErrorsNameRowAndColumnOfTheFirstBadRow()
    {
        // Big enough to run in parallel: rows 700 and 20 are bad, and row 20 must be reported whatever the scheduling.
        const int rows = 1000, columns = 64;
        double[] matrix = Enumerable.Repeat(1.0, rows * columns).ToArray();
        matrix[700 * columns + 5] = -3;
        matrix[20 * columns + 17] = double.NaN;
        var destination = new double[rows];
        var error = Assert.Throws<ArgumentException>(() => InformationTheory.EntropyRows(matrix, columns, destination));
        Assert.Equal("matrix", error.ParamName);
        Assert.Contains("matrix[20, 17] is NaN", error.Message);

        double[] q = Enumerable.Repeat(1.0, rows * columns).ToArray();
        double[] p = Enumerable.Repeat(1.0, rows * columns).ToArray();
        Array.Clear(q, 9 * columns, columns);
        var zeroRow = Assert.Throws<ArgumentException>(() => InformationTheory.KullbackLeiblerRows(p, q, columns, destination));
        Assert.Equal("q", zeroRow.ParamName);
        Assert.Contains("q row 9 is all zeros", zeroRow.Message);
    }

    [Fact]
    public void RowShapesAreChecked()
    {
        double[] matrix = new double[12];
        Assert.Equal("columns", Assert.Throws<ArgumentException>(() => InformationTheory.EntropyRows(matrix, 0, new double[1])).ParamName);
        Assert.Contains("not a whole number of rows", Assert.Throws<ArgumentException>(() => InformationTheory.EntropyRows(matrix, 5, new double[2])).Message);
        var destination = Assert.Throws<ArgumentException>(() => InformationTheory.EntropyRows(matrix, 4, new double[2]));
        Assert.Equal("destination", destination.ParamName);
        Assert.Contains("3 rows", destination.Message);
        Assert.Equal("q", Assert.Throws<ArgumentException>(() => InformationTheory.KullbackLeiblerRows(matrix, new double[8], 4, new double[3])).ParamName);
    }

    [Fact]
    public void LogitErrorsNameTheIndex()
    {
        Assert.Contains("values[1] is NaN", Assert.Throws<ArgumentException>(() => InformationTheory.LogSumExp([1.0, double.NaN, 5.0])).Message);
        Assert.Contains("logits[2]", Assert.Throws<ArgumentException>(() => InformationTheory.EntropyFromLogits([0, 1, double.PositiveInfinity])).Message);
        Assert.Contains("all −∞", Assert.Throws<ArgumentException>(() => InformationTheory.EntropyFromLogits([double.NegativeInfinity])).Message);
        Assert.Equal("logitsQ", Assert.Throws<ArgumentException>(() => InformationTheory.KullbackLeiblerFromLogits([0, 1], [0, double.NaN])).ParamName);
        Assert.Contains("p[0] is negative", Assert.Throws<ArgumentException>(() => InformationTheory.CrossEntropyFromLogits([-1, 2], [0, 0])).Message);
        Assert.Equal("logitsQ", Assert.Throws<ArgumentException>(() => InformationTheory.CrossEntropyFromLogits([1, 2], [0])).ParamName);
    }

    [Fact]
    public void AnInvalidLogBaseIsRejected()
    {
        foreach (double bad in new[] { 1.0, -2.0, double.NaN, double.PositiveInfinity })
        {
            var error = Assert.Throws<ArgumentException>(() => InformationTheory.Entropy([0.5, 0.5], new LogBase(bad)));
            Assert.Equal("logBase", error.ParamName);
        }
    }
}
