using System.Numerics;
using System.Text.Json;
using Manabi.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;
using static Manabi.Numerics.Tests.LinearAlgebra.MatrixTestHelpers;

namespace Manabi.Numerics.Tests.LinearAlgebra;

public class EigenTests
{
    private static JsonElement Golden(string section) => GoldenSection(section);

    public static TheoryData<string> GoldenEigenNames()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement entry in Golden("eigen").EnumerateArray())
        {
            data.Add(entry.GetProperty("name").GetString()!);
        }
        return data;
    }

    private static JsonElement GoldenEntry(string name) =>
        Golden("eigen").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);

    // Tolerance: 1e-9 absolute, or 1e-9 relative for |value| > 1.
    private static void AssertClose(double expected, double actual, double tolerance, string what)
    {
        double allowed = tolerance * Math.Max(1.0, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= allowed, $"{what}: expected {expected:R}, got {actual:R} (allowed {allowed:G3})");
    }

    [Theory]
    [MemberData(nameof(GoldenEigenNames))]
    public void SymmetricMatchesNumpyEigh(string name)
    {
        JsonElement entry = GoldenEntry(name);
        if (!entry.TryGetProperty("eigh_values_ascending", out JsonElement expected) || expected.ValueKind != JsonValueKind.Array)
        {
            return; // non-symmetric matrix: covered by GeneralMatchesNumpyEig
        }
        double[] values = Eigen.Symmetric(ToArray(entry.GetProperty("matrix"))).Values;
        Assert.Equal(expected.GetArrayLength(), values.Length);
        for (int i = 0; i < values.Length; i++)
        {
            AssertClose(expected[i].GetDouble(), values[i], 1e-9, $"{name} value {i}");
        }
    }

    [Theory]
    [MemberData(nameof(GoldenEigenNames))]
    public void GeneralMatchesNumpyEig(string name)
    {
        JsonElement entry = GoldenEntry(name);
        JsonElement expected = entry.GetProperty("eig_values_sorted");
        Complex[] values = Eigen.General(ToArray(entry.GetProperty("matrix")));
        Assert.Equal(expected.GetArrayLength(), values.Length);

        // The golden defective matrix [[1, 1], [0, 1]] is already triangular, so both numpy and MathNet return the
        // double eigenvalue 1 exactly and 1e-9 holds; a non-triangular defective matrix would only give ~sqrt(eps).
        for (int i = 0; i < values.Length; i++)
        {
            AssertClose(expected[i][0].GetDouble(), values[i].Real, 1e-9, $"{name} value {i} real part");
            AssertClose(expected[i][1].GetDouble(), values[i].Imaginary, 1e-9, $"{name} value {i} imaginary part");
        }
    }

    [Fact]
    public void GeneralOnRotationGivesPlusMinusI()
    {
        Complex[] values = Eigen.General(new double[,] { { 0, -1 }, { 1, 0 } });
        Assert.Equal(0.0, values[0].Real, 14);
        Assert.Equal(-1.0, values[0].Imaginary, 14);
        Assert.Equal(0.0, values[1].Real, 14);
        Assert.Equal(1.0, values[1].Imaginary, 14);
    }

    [Fact]
    public void GeneralOnDefectiveNonTriangularMatrixIsAccurateToSqrtEpsilon()
    {
        // Similar to the Jordan block [[2, 1], [0, 2]] but not triangular: the double eigenvalue 2 is only
        // determined to ~sqrt(eps) ≈ 1.5e-8 in floating point, so 1e-9 cannot be promised here.
        var s = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 2 }, { 3, 5 } });
        var j = Matrix<double>.Build.DenseOfArray(new double[,] { { 2, 1 }, { 0, 2 } });
        double[,] a = (s * j * s.Inverse()).ToArray();
        foreach (Complex value in Eigen.General(a))
        {
            Assert.True((value - 2.0).Magnitude < 1e-6, $"eigenvalue {value} is not within 1e-6 of 2");
        }
    }

    [Fact]
    public void GeneralDecompositionVectorsSatisfyEigenEquation()
    {
        double[,] a = ToArray(GoldenEntry("nonsym6").GetProperty("matrix"));
        GeneralEigenDecomposition decomposition = Eigen.GeneralDecomposition(a);
        int n = a.GetLength(0);
        for (int c = 0; c < n; c++)
        {
            double length = 0;
            for (int i = 0; i < n; i++)
            {
                length += decomposition.Vectors[i, c].Magnitude * decomposition.Vectors[i, c].Magnitude;
            }
            Assert.True(length > 1e-6, $"vector {c} is zero");
            for (int i = 0; i < n; i++)
            {
                Complex av = Complex.Zero;
                for (int t = 0; t < n; t++)
                {
                    av += a[i, t] * decomposition.Vectors[t, c];
                }
                Complex residual = av - decomposition.Values[c] * decomposition.Vectors[i, c];
                Assert.True(residual.Magnitude < 1e-10, $"(Av - λv)[{i}] for value {c} ({decomposition.Values[c]}) is {residual}");
            }
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(17, 4)]
    [InlineData(64, 5)]
    [InlineData(200, 6)]
    [InlineData(257, 7)]
    // Around the blocked back-transformation's threshold (160) and its 64-reflector blocks and 96-row chunks: a last
    // block of one reflector, a single chunk, a short last chunk.
    [InlineData(159, 8)]
    [InlineData(160, 9)]
    [InlineData(195, 10)]
    [InlineData(193, 11)]
    [InlineData(289, 12)]
    public void SymmetricRandomMatricesAreDecomposed(int n, int seed)
    {
        AssertValidDecomposition(RandomSymmetric(n, seed));
    }

    [Fact]
    public void SymmetricIdentityHasOrthonormalVectors()
    {
        var identity = new double[50, 50];
        for (int i = 0; i < 50; i++)
        {
            identity[i, i] = 1.0;
        }
        var decomposition = AssertValidDecomposition(identity);
        Assert.All(decomposition.Values, v => Assert.Equal(1.0, v, 14));
    }

    [Fact]
    public void SymmetricBlockStructureWithRepeatedEigenvalues()
    {
        // Block diagonal: three copies of [[2, 1], [1, 2]] (eigenvalues 1, 3) and a 4×4 block of ones (0, 0, 0, 4),
        // then a random orthogonal similarity so the structure is hidden.
        int n = 10;
        var block = Matrix<double>.Build.Dense(n, n);
        for (int b = 0; b < 3; b++)
        {
            block[2 * b, 2 * b] = 2;
            block[2 * b + 1, 2 * b + 1] = 2;
            block[2 * b, 2 * b + 1] = 1;
            block[2 * b + 1, 2 * b] = 1;
        }
        for (int i = 6; i < 10; i++)
        {
            for (int j = 6; j < 10; j++)
            {
                block[i, j] = 1;
            }
        }
        var q = Matrix<double>.Build.DenseOfArray(RandomMatrix(n, n, 11)).QR().Q;
        var a = q * block * q.Transpose();
        a = (a + a.Transpose()) / 2;
        var decomposition = AssertValidDecomposition(a.ToArray());
        double[] expected = [0, 0, 0, 1, 1, 1, 3, 3, 3, 4];
        for (int i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(expected[i] - decomposition.Values[i]) < 1e-12, $"value {i}: {decomposition.Values[i]}");
        }
    }

    [Fact]
    public void SymmetricZeroAndDiagonalMatrices()
    {
        AssertValidDecomposition(new double[5, 5]);
        var decomposition = AssertValidDecomposition(new double[,] { { 3, 0, 0 }, { 0, -1, 0 }, { 0, 0, 2 } });
        Assert.Equal([-1.0, 2.0, 3.0], decomposition.Values);
    }

    [Fact]
    public void SymmetricValuesMatchMathNet()
    {
        double[,] a = RandomSymmetric(120, 21);
        double[] ours = Eigen.Symmetric(a, computeVectors: false).Values;
        var mathNet = Matrix<double>.Build.DenseOfArray(a).Evd(Symmetricity.Symmetric).EigenValues.Select(c => c.Real).ToArray();
        Array.Sort(mathNet);
        for (int i = 0; i < ours.Length; i++)
        {
            Assert.True(Math.Abs(ours[i] - mathNet[i]) < 1e-12, $"value {i}: ours {ours[i]:R}, MathNet {mathNet[i]:R}");
        }
    }

    [Fact]
    public void SymmetricWithoutVectorsReturnsNullVectorsAndSameValues()
    {
        double[,] a = RandomSymmetric(40, 31);
        var valuesOnly = Eigen.Symmetric(a, computeVectors: false);
        var full = Eigen.Symmetric(a);
        Assert.Null(valuesOnly.Vectors);
        // Values alone come from QL, with vectors from divide and conquer: equal to a few ulps, not bitwise.
        for (int i = 0; i < 40; i++)
        {
            Assert.Equal(full.Values[i], valuesOnly.Values[i], 1e-12 * Math.Max(1.0, Math.Abs(full.Values[i])));
        }
    }

    [Fact]
    public void SymmetricHilbertMatrixIsAccurate()
    {
        int n = 10;
        var hilbert = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                hilbert[i, j] = 1.0 / (i + j + 1);
            }
        }
        var decomposition = AssertValidDecomposition(hilbert);
        // numpy.linalg.eigh gives 1.0932648635254666e-13 for the rounded H10; a backward-stable solver is accurate to ~eps·‖H‖ absolute.
        Assert.True(Math.Abs(decomposition.Values[0] - 1.0932648635254666e-13) < 1e-15, $"smallest {decomposition.Values[0]:R}");
        Assert.True(decomposition.Values[0] > 0);
    }

    [Fact]
    public void SymmetricRejectsNonSquare()
    {
        var error = Assert.Throws<ArgumentException>(() => Eigen.Symmetric(new double[2, 3]));
        Assert.Equal("matrix", error.ParamName);
        Assert.Contains("square", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SymmetricRejectsNonSymmetricNamingPosition()
    {
        var error = Assert.Throws<ArgumentException>(() => Eigen.Symmetric(new double[,] { { 1, 2 }, { 2.5, 1 } }));
        Assert.Equal("matrix", error.ParamName);
        Assert.Contains("matrix[1, 0]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SymmetricAcceptsRoundOffAsymmetry()
    {
        var values = Eigen.Symmetric(new double[,] { { 1, 2 }, { 2 + 1e-14, 1 } }).Values;
        Assert.Equal(-1.0, values[0], 12);
        Assert.Equal(3.0, values[1], 12);
    }

    [Fact]
    public void SymmetricRejectsNaNNamingPosition()
    {
        var error = Assert.Throws<ArgumentException>(() => Eigen.Symmetric(new double[,] { { 1, 0 }, { 0, double.NaN } }));
        Assert.Equal("matrix", error.ParamName);
        Assert.Contains("matrix[1, 1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SymmetricRejectsNaNAndInfinityInTheUpperTriangleOfALargeMatrix()
    {
        // The tiled check reads the upper triangle only through differences; the message still names the entry.
        var a = RandomSymmetric(70, 41);
        a[3, 60] = double.NaN;
        var error = Assert.Throws<ArgumentException>(() => Eigen.Symmetric(a));
        Assert.Contains("matrix[3, 60]", error.Message, StringComparison.Ordinal);
        a[3, 60] = double.PositiveInfinity;
        error = Assert.Throws<ArgumentException>(() => Eigen.Symmetric(a));
        Assert.Contains("matrix[3, 60]", error.Message, StringComparison.Ordinal);
        a[3, 60] = a[60, 3] + 1e-3;
        error = Assert.Throws<ArgumentException>(() => Eigen.Symmetric(a));
        Assert.Contains("matrix[60, 3]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GeneralRejectsNonSquareAndInfinity()
    {
        Assert.Equal("matrix", Assert.Throws<ArgumentException>(() => Eigen.General(new double[3, 2])).ParamName);
        Assert.Equal("matrix", Assert.Throws<ArgumentException>(
            () => Eigen.General(new double[,] { { double.PositiveInfinity } })).ParamName);
    }

    internal static SymmetricEigenDecomposition AssertValidDecomposition(double[,] matrix)
    {
        var decomposition = Eigen.Symmetric(matrix);
        int n = matrix.GetLength(0);
        Assert.Equal(n, decomposition.Values.Length);
        for (int i = 1; i < n; i++)
        {
            Assert.True(decomposition.Values[i - 1] <= decomposition.Values[i], $"values not ascending at {i}");
        }
        var a = Matrix<double>.Build.DenseOfArray(matrix);
        var v = Matrix<double>.Build.DenseOfArray(decomposition.Vectors!);
        double orthogonality = MaxAbs(v.TransposeThisAndMultiply(v) - Matrix<double>.Build.DenseIdentity(n));
        Assert.True(orthogonality < 1e-10, $"‖VᵀV − I‖∞ = {orthogonality:E2}");
        double norm = Math.Max(MaxAbs(a), double.Epsilon);
        double residual = MaxAbs(a * v - v * Matrix<double>.Build.DenseOfDiagonalArray(decomposition.Values));
        Assert.True(residual <= 1e-12 * n * norm, $"‖AV − VΛ‖ = {residual:E2} for ‖A‖ = {norm:E2}");
        return decomposition;
    }
}
