using System.Numerics;
using Manabi.Numerics.LinearAlgebra;

namespace Manabi.Numerics.Tests.LinearAlgebra;

/// <summary>
/// Matrices whose entries are near the ends of double's range: the solvers scale them into range (as LAPACK's drivers
/// do) instead of returning NaN from overflowing sums of squares, and refuse eigenvalues that no double can hold.
/// </summary>
public class EigenScalingTests
{
    // [[s, s], [s, s]] has eigenvalues 0 and 2s; 1e307 overflowed (NaN) before scaling, 1e-300 and 1e-310 underflow.
    public static TheoryData<double> Scales() => new() { 1e307, 8e307, 1e200, 1e-300, 1e-310 };

    private static double[,] AllEqual(double s) => new[,] { { s, s }, { s, s } };

    [Theory]
    [MemberData(nameof(Scales))]
    public void SymmetricSolverScalesExtremeMatrices(double s)
    {
        foreach (bool vectors in new[] { false, true })
        {
            var decomposition = Eigen.Symmetric(AllEqual(s), computeVectors: vectors);
            Assert.All(decomposition.Values, v => Assert.True(double.IsFinite(v), $"eigenvalue {v} for s = {s:R}"));
            Assert.True(Math.Abs(decomposition.Values[0]) <= 1e-15 * s, $"λ₀ = {decomposition.Values[0]:R} for s = {s:R}");
            Assert.Equal(2 * s, decomposition.Values[1], 1e-15 * s);
            if (vectors)
            {
                double r = Math.Sqrt(0.5);
                Assert.Equal(r, Math.Abs(decomposition.Vectors![0, 1]), 1e-15);
                Assert.Equal(r, Math.Abs(decomposition.Vectors[1, 1]), 1e-15);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Scales))]
    public void GeneralSolverScalesExtremeMatrices(double s)
    {
        Complex[] values = Eigen.General(AllEqual(s));
        Assert.All(values, v => Assert.True(double.IsFinite(v.Real) && v.Imaginary == 0, $"eigenvalue {v} for s = {s:R}"));
        Assert.True(Math.Abs(values[0].Real) <= 1e-15 * s, $"λ₀ = {values[0]} for s = {s:R}");
        Assert.Equal(2 * s, values[1].Real, 1e-15 * s);
    }

    [Fact]
    public void ScaledMatricesGiveTheScaledEigenvaluesOfTheUnscaledOne()
    {
        // A non-trivial matrix (complex pair and a real value) multiplied by a power of two stays exact, so the
        // eigenvalues must scale exactly too, far outside the range the solvers work in.
        double[,] a = { { 4, -2, 1 }, { 3, 1, -1 }, { 0.5, 2, 3 } };
        double[,] sym = { { 4, 1, -2 }, { 1, 3, 0.5 }, { -2, 0.5, 5 } };
        foreach (int exponent in new[] { 1018, -1030 })
        {
            Complex[] expected = Eigen.General(a);
            Complex[] actual = Eigen.General(Map(a, x => Math.ScaleB(x, exponent)));
            double[] symExpected = Eigen.Symmetric(sym).Values;
            double[] symActual = Eigen.Symmetric(Map(sym, x => Math.ScaleB(x, exponent))).Values;
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(expected[i].Real, Math.ScaleB(actual[i].Real, -exponent), 1e-12);
                Assert.Equal(expected[i].Imaginary, Math.ScaleB(actual[i].Imaginary, -exponent), 1e-12);
                Assert.Equal(symExpected[i], Math.ScaleB(symActual[i], -exponent), 1e-12);
            }
        }
    }

    [Fact]
    public void EigenvaluesBeyondTheRangeOfDoubleAreRefusedNotNaN()
    {
        // True eigenvalues 0 and 2e308: the larger one has no double.
        double[,] matrix = AllEqual(1e308);
        Assert.Throws<OverflowException>(() => Eigen.Symmetric(matrix));
        Assert.Throws<OverflowException>(() => Eigen.Symmetric(matrix, computeVectors: false));
        Assert.Throws<OverflowException>(() => Eigen.General(matrix));
    }

    [Fact]
    public void EntriesOf1e308WithRepresentableEigenvaluesAreExact()
    {
        double[,] matrix = { { 1e308, 0 }, { 0, -1e308 } };
        Assert.Equal([-1e308, 1e308], Eigen.Symmetric(matrix).Values);
        Assert.Equal([new Complex(-1e308, 0), new Complex(1e308, 0)], Eigen.General(matrix));
        // Off-diagonal 1e308: eigenvalues ±1e308 (a swap), whose squares overflowed before scaling.
        double[,] swap = { { 0, 1e308 }, { 1e308, 0 } };
        double[] values = Eigen.Symmetric(swap).Values;
        Assert.Equal(-1e308, values[0], 1e293);
        Assert.Equal(1e308, values[1], 1e293);
        Complex[] general = Eigen.General(swap);
        Assert.Equal(-1e308, general[0].Real, 1e293);
        Assert.Equal(1e308, general[1].Real, 1e293);
    }

    private static double[,] Map(double[,] matrix, Func<double, double> f)
    {
        var result = new double[matrix.GetLength(0), matrix.GetLength(1)];
        for (int i = 0; i < matrix.GetLength(0); i++)
        {
            for (int j = 0; j < matrix.GetLength(1); j++)
            {
                result[i, j] = f(matrix[i, j]);
            }
        }
        return result;
    }
}
