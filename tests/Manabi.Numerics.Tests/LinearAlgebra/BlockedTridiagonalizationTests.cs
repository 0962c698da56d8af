using Manabi.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra;
using static Manabi.Numerics.Tests.LinearAlgebra.MatrixTestHelpers;

namespace Manabi.Numerics.Tests.LinearAlgebra;

/// <summary>
/// The panel (blocked) Householder reduction against the one-column-at-a-time reduction: same tridiagonal spectrum,
/// and a valid eigen-decomposition through the whole solver, at sizes around the panel width and the crossover.
/// </summary>
public class BlockedTridiagonalizationTests
{
    private const int Panel = BlockedTridiagonalization.PanelWidth;
    private const int FirstBlocked = BlockedTridiagonalization.PanelWidth + BlockedTridiagonalization.Crossover;

    public static TheoryData<int> Sizes() =>
    [
        1, 2, 3, Panel - 1, Panel, Panel + 1, 2 * Panel + 1, FirstBlocked - 1, FirstBlocked, FirstBlocked + 1,
        FirstBlocked + Panel - 1, FirstBlocked + Panel, FirstBlocked + Panel + 1, 200, 300,
    ];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void RandomMatricesMatchTheUnblockedReduction(int n)
    {
        double[,] a = RandomSymmetric(n, seed: 100 + n);
        AssertSameSpectrumAsUnblocked(a);
        EigenTests.AssertValidDecomposition(a);
    }

    [Fact]
    public void SmallMatricesAreNotBlocked()
    {
        var a = Flatten(RandomSymmetric(FirstBlocked - 1, seed: 1));
        int n = FirstBlocked - 1;
        Assert.Equal(0, BlockedTridiagonalization.ReduceLeadingColumns(a, n, new double[n], new double[n], new double[n]));
        var b = Flatten(RandomSymmetric(FirstBlocked, seed: 1));
        Assert.Equal(Panel, BlockedTridiagonalization.ReduceLeadingColumns(
            b, FirstBlocked, new double[FirstBlocked], new double[FirstBlocked], new double[FirstBlocked]));
    }

    [Fact]
    public void RepeatedEigenvaluesAreKept()
    {
        // Q diag(1,…,1, 2,…,2, 5) Qᵀ: two large clusters, hidden by a random orthogonal similarity.
        int n = 230;
        var diagonal = new double[n];
        for (int i = 0; i < n; i++)
        {
            diagonal[i] = i < 100 ? 1.0 : i < n - 1 ? 2.0 : 5.0;
        }
        var q = Matrix<double>.Build.DenseOfArray(RandomMatrix(n, n, 7)).QR().Q;
        var a = q * Matrix<double>.Build.DenseOfDiagonalArray(diagonal) * q.Transpose();
        a = (a + a.Transpose()) / 2;
        double[,] matrix = a.ToArray();
        AssertSameSpectrumAsUnblocked(matrix);
        var decomposition = EigenTests.AssertValidDecomposition(matrix);
        for (int i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(decomposition.Values[i] - diagonal[i]) < 1e-12, $"value {i}: {decomposition.Values[i]:R}");
        }
    }

    [Fact]
    public void ColumnsThatAreAlreadyReducedAndZeroBlocks()
    {
        // Diagonal leading block (its columns need no reflector), a zero band, then a dense random block: the panel
        // meets τ = 0 columns before and between real reflectors.
        int n = 260;
        var a = new double[n, n];
        var dense = RandomSymmetric(n - 80, seed: 3);
        for (int i = 0; i < 40; i++)
        {
            a[i, i] = i - 20;
        }
        for (int i = 80; i < n; i++)
        {
            for (int j = 80; j < n; j++)
            {
                a[i, j] = dense[i - 80, j - 80];
            }
        }
        AssertSameSpectrumAsUnblocked(a);
        EigenTests.AssertValidDecomposition(a);
    }

    [Fact]
    public void BlockDiagonalMatricesMeetReducedColumnsInsideAPanel()
    {
        // Two dense blocks, 100 + 200: columns 98 and 99 need no reflector (nothing below row 99 in the first block),
        // so the panel of columns 96..127 meets τ = 0 after two real reflectors and before more of them, with the
        // next column's early correction then made outside the parallel product.
        int n = 300, split = 100;
        var a = new double[n, n];
        var first = RandomSymmetric(split, seed: 11);
        var second = RandomSymmetric(n - split, seed: 12);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                if (i < split && j < split)
                {
                    a[i, j] = first[i, j];
                }
                else if (i >= split && j >= split)
                {
                    a[i, j] = second[i - split, j - split];
                }
            }
        }
        AssertSameSpectrumAsUnblocked(a);
        EigenTests.AssertValidDecomposition(a);
    }

    [Fact]
    public void ZeroAndDiagonalMatricesOfBlockedSize()
    {
        int n = FirstBlocked + 7;
        var zero = new double[n, n];
        var decomposition = EigenTests.AssertValidDecomposition(zero);
        Assert.All(decomposition.Values, v => Assert.Equal(0.0, v));

        var diagonal = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            diagonal[i, i] = (i * 37 % n) - n / 2.0;
        }
        AssertSameSpectrumAsUnblocked(diagonal);
        decomposition = EigenTests.AssertValidDecomposition(diagonal);
        double[] expected = Enumerable.Range(0, n).Select(i => (i * 37 % n) - n / 2.0).Order().ToArray();
        for (int i = 0; i < n; i++)
        {
            // Divide and conquer scales by the norm and back: exact up to round-off.
            Assert.Equal(expected[i], decomposition.Values[i], 1e-13 * n);
        }
    }

    /// <summary>The tridiagonals of both reductions have the same eigenvalues to round-off.</summary>
    private static void AssertSameSpectrumAsUnblocked(double[,] matrix)
    {
        int n = matrix.GetLength(0);
        double[] blocked = TridiagonalValues(matrix, blocked: true);
        double[] unblocked = TridiagonalValues(matrix, blocked: false);
        double norm = Math.Max(1.0, MaxAbs(Matrix<double>.Build.DenseOfArray(matrix)));
        for (int i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(blocked[i] - unblocked[i]) <= 1e-13 * n * norm,
                $"value {i}: blocked {blocked[i]:R}, unblocked {unblocked[i]:R}");
        }
    }

    private static double[] TridiagonalValues(double[,] matrix, bool blocked)
    {
        int n = matrix.GetLength(0);
        double[] a = Flatten(matrix);
        var d = new double[n];
        var e = new double[n];
        SymmetricEigenSolver.Tridiagonalize(a, n, d, e, new double[n], blocked);
        SymmetricEigenSolver.TridiagonalQl(d, e, null, n);
        Array.Sort(d);
        return d;
    }

    private static double[] Flatten(double[,] matrix)
    {
        var flat = new double[matrix.Length];
        Buffer.BlockCopy(matrix, 0, flat, 0, matrix.Length * sizeof(double));
        return flat;
    }
}
