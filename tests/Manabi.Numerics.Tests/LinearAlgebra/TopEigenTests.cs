using Manabi.Numerics.LinearAlgebra;
using static Manabi.Numerics.Tests.LinearAlgebra.MatrixTestHelpers;

namespace Manabi.Numerics.Tests.LinearAlgebra;

public class TopEigenTests
{
    // A covariance-like PSD matrix with a decaying spectrum, and an indefinite random one.
    private static double[,] Psd(int n, int seed) => Covariance.Compute(RandomMatrix(3 * n, n, seed));

    [Theory]
    [InlineData(60, 5, false)]
    [InlineData(60, 5, true)]
    [InlineData(150, 8, false)]
    public void LanczosMatchesFullSolver(int n, int k, bool indefinite)
    {
        double[,] a = indefinite ? RandomSymmetric(n, 7) : Psd(n, 7);
        AssertMatchesFull(a, TopEigen.Lanczos(a, k, seed: 1), k, 1e-9);
    }

    [Fact]
    public void LanczosCallbackFormMatchesMatrixForm()
    {
        double[,] a = Psd(40, 3);
        int n = 40;
        var result = TopEigen.Lanczos(
            (x, y) =>
            {
                for (int i = 0; i < n; i++)
                {
                    double sum = 0;
                    for (int j = 0; j < n; j++)
                    {
                        sum += a[i, j] * x[j];
                    }
                    y[i] = sum;
                }
            },
            n, 3, seed: 5);
        AssertMatchesFull(a, result, 3, 1e-9);
    }

    [Fact]
    public void LanczosHandlesInvariantSubspaceAndRepeatedValues()
    {
        // Diagonal 5, 5, 5, 3, …, 10, 20 and then 8, 9, 10 repeated at the end: a Krylov space started from one
        // vector sees each distinct eigenvalue once, so repeated values need the restart with a fresh direction.
        var a = new double[12, 12];
        double[] diagonal = [5, 5, 5, 3, 4, 6, 7, 8, 9, 10, 20, 10];
        for (int i = 0; i < 12; i++)
        {
            a[i, i] = diagonal[i];
        }
        var result = TopEigen.Lanczos(a, 4, seed: 2);
        AssertMatchesFull(a, result, 4, 1e-9);
        Assert.Equal([9.0, 10.0, 10.0, 20.0], result.Values.Select(v => Math.Round(v, 9)));
    }

    [Theory]
    [InlineData(30, 3, false)]
    [InlineData(30, 3, true)]
    public void PowerIterationMatchesFullSolver(int n, int k, bool indefinite)
    {
        double[,] a = indefinite ? RandomSymmetric(n, 9) : Psd(n, 9);
        AssertMatchesFull(a, TopEigen.PowerIteration(a, k, seed: 4), k, 1e-9, vectorTolerance: 1e-8);
    }

    [Fact]
    public void BadParametersNameTheArgument()
    {
        double[,] a = Psd(5, 1);
        Assert.Equal("k", Assert.Throws<ArgumentException>(() => TopEigen.Lanczos(a, 6)).ParamName);
        Assert.Equal("k", Assert.Throws<ArgumentException>(() => TopEigen.PowerIteration(a, 0)).ParamName);
        Assert.Equal("tolerance", Assert.Throws<ArgumentException>(() => TopEigen.Lanczos(a, 1, tolerance: -1)).ParamName);
        Assert.Equal("matrix", Assert.Throws<ArgumentException>(() => TopEigen.Lanczos(new double[,] { { 1, 2 }, { 3, 4 } }, 1)).ParamName);
        Assert.Equal("matrix", Assert.Throws<ArgumentException>(() => TopEigen.PowerIteration(new double[2, 3], 1)).ParamName);
    }

    private static void AssertMatchesFull(
        double[,] a, SymmetricEigenDecomposition top, int k, double valueTolerance, double vectorTolerance = 1e-6)
    {
        var full = Eigen.Symmetric(a);
        int n = a.GetLength(0);
        Assert.Equal(k, top.Values.Length);
        double scale = Math.Max(1.0, full.Values.Max(Math.Abs));
        for (int c = 0; c < k; c++)
        {
            double expected = full.Values[n - k + c];
            Assert.True(Math.Abs(expected - top.Values[c]) <= valueTolerance * scale,
                $"top value {c}: expected {expected:R}, got {top.Values[c]:R}");
            // Residual ‖Av − λv‖ of the returned vector.
            double residual = 0;
            for (int i = 0; i < n; i++)
            {
                double av = 0;
                for (int j = 0; j < n; j++)
                {
                    av += a[i, j] * top.Vectors![j, c];
                }
                residual = Math.Max(residual, Math.Abs(av - top.Values[c] * top.Vectors![i, c]));
            }
            Assert.True(residual <= vectorTolerance * scale, $"residual of top vector {c} is {residual:E2}");
        }
    }
}
