using Manabi.Numerics.LinearAlgebra;

namespace Manabi.Numerics.Tests.LinearAlgebra;

/// <summary>
/// The divide-and-conquer eigenvector path on spectra that stress deflation and the secular equation.
/// Bounds, with ε = 2⁻⁵² and n the dimension: ‖VᵀV − I‖max ≤ 20·n·ε; ‖AV − VΛ‖max ≤ 20·n·ε·‖A‖max;
/// |λ_dc − λ_QL| ≤ 20·n·ε·‖A‖max against the older QL path.
/// </summary>
public class DivideAndConquerTests
{
    private const double Eps = 2.220446049250313e-16;

    // Around the QL leaf size (25), the blocked back-transformation threshold (400) and its 128-reflector blocks; from
    // 300 up the top merges also share their gathers, scatter and Löwner product out between cores (k ≥ 256).
    public static TheoryData<int> RandomSizes() => [1, 2, 3, 25, 26, 27, 51, 100, 300, 399, 400, 401, 700];

    [Theory]
    [MemberData(nameof(RandomSizes))]
    public void RandomDenseMatchesQl(int n) => CheckDense(ToFlat(MatrixTestHelpers.RandomSymmetric(n, 100 + n)), n);

    [Fact]
    public void ClusteredSpectrumOnePlusMultiplesOf1e12()
    {
        const int n = 120;
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = i < n / 2 ? 1.0 + i * 1e-12 : 2.0 + (i - n / 2) * 1e-9;
        }
        CheckDense(WithSpectrum(values, 7), n);
    }

    [Fact]
    public void GradedSpectrum()
    {
        const int n = 90;
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = Math.Pow(10.0, -i / 6.0) * (i % 2 == 0 ? 1 : -1);
        }
        CheckDense(WithSpectrum(values, 8), n);
    }

    [Fact]
    public void ManyExactlyRepeatedEigenvalues()
    {
        const int n = 150;
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = i % 3;
        }
        CheckDense(WithSpectrum(values, 9), n);
    }

    [Fact]
    public void DiagonalWithRepeats()
    {
        const int n = 80;
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            a[i * n + i] = (i * 7) % 11 - 5;
        }
        CheckDense(a, n);
    }

    [Fact]
    public void AllOnesIsRankOne()
    {
        // Eigenvalues n and 0 (n − 1 times): nearly everything deflates, on the blocked back-transformation path.
        const int n = 450;
        var a = new double[n * n];
        Array.Fill(a, 1.0);
        CheckDense(a, n);
    }

    [Fact]
    public void ZeroMatrix()
    {
        const int n = 60;
        CheckDense(new double[n * n], n);
    }

    [Theory]
    [InlineData(21)]
    [InlineData(51)]
    [InlineData(201)]
    public void WilkinsonPlus(int n)
    {
        var d = new double[n];
        var e = new double[n];
        int m = n / 2;
        for (int i = 0; i < n; i++)
        {
            d[i] = Math.Abs(m - i);
            e[i] = 1.0;
        }
        CheckTridiagonal(d, e);
    }

    [Theory]
    [InlineData(1e-14)]
    [InlineData(1e-8)]
    [InlineData(0.0)]
    public void GluedWilkinson(double glue)
    {
        // Twelve copies of W21+ joined by tiny off-diagonals: pairs of eigenvalues agree to many digits.
        const int block = 21, copies = 12, n = block * copies;
        var d = new double[n];
        var e = new double[n];
        for (int c = 0; c < copies; c++)
        {
            for (int i = 0; i < block; i++)
            {
                d[c * block + i] = Math.Abs(block / 2 - i);
                e[c * block + i] = i == block - 1 ? glue : 1.0;
            }
        }
        CheckTridiagonal(d, e);
    }

    [Fact]
    public void ConstantTridiagonalWithSplits()
    {
        const int n = 130;
        var d = new double[n];
        var e = new double[n];
        for (int i = 0; i < n; i++)
        {
            d[i] = 2.0;
            e[i] = i % 17 == 16 ? 0.0 : -1.0;
        }
        CheckTridiagonal(d, e);
    }

    [Fact]
    public void RankOneUpdateWithNearlyEqualPolesStaysOrthogonal()
    {
        const int k = 40;
        var poles = new double[k];
        var weights = new double[k];
        for (int i = 0; i < k; i++)
        {
            poles[i] = i < 20 ? i * 1e-9 : 1.0 + i * 1e-3;
            weights[i] = 1.0 / Math.Sqrt(k) * (i % 2 == 0 ? 1 : -1);
        }
        var roots = new double[k];
        double[] u = TridiagonalDivideAndConquer.SolveRankOneUpdate(poles, weights, 0.7, roots);
        double orthogonality = 0.0;
        for (int i = 0; i < k; i++)
        {
            Assert.True(roots[i] > poles[i], $"root {i} below its pole");
            Assert.True(i == k - 1 || roots[i] < poles[i + 1], $"root {i} above the next pole");
            for (int j = 0; j < k; j++)
            {
                double dot = 0.0;
                for (int p = 0; p < k; p++)
                {
                    dot += u[i * k + p] * u[j * k + p];
                }
                orthogonality = Math.Max(orthogonality, Math.Abs(dot - (i == j ? 1.0 : 0.0)));
            }
        }
        Assert.True(orthogonality <= 20 * k * Eps, $"‖UUᵀ − I‖ = {orthogonality:E2}");
    }

    private static double[] ToFlat(double[,] a)
    {
        int n = a.GetLength(0);
        var flat = new double[n * n];
        Buffer.BlockCopy(a, 0, flat, 0, n * n * sizeof(double));
        return flat;
    }

    /// <summary>Q diag(values) Qᵀ for a random orthogonal Q (a product of Householder reflectors).</summary>
    private static double[] WithSpectrum(double[] values, int seed)
    {
        int n = values.Length;
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            a[i * n + i] = values[i];
        }
        var random = new Random(seed);
        var v = new double[n];
        var av = new double[n];
        for (int reflector = 0; reflector < 3; reflector++)
        {
            double norm2 = 0.0;
            for (int i = 0; i < n; i++)
            {
                v[i] = random.NextDouble() - 0.5;
                norm2 += v[i] * v[i];
            }
            // A ← HAH with H = I − 2vvᵀ/‖v‖²: A − v wᵀ − w vᵀ, w = 2Av/‖v‖² − 2(vᵀAv)v/‖v‖⁴.
            double vav = 0.0;
            for (int i = 0; i < n; i++)
            {
                double sum = 0.0;
                for (int j = 0; j < n; j++)
                {
                    sum += a[i * n + j] * v[j];
                }
                av[i] = sum;
                vav += v[i] * sum;
            }
            for (int i = 0; i < n; i++)
            {
                av[i] = 2.0 * av[i] / norm2 - 2.0 * vav * v[i] / (norm2 * norm2);
            }
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    a[i * n + j] -= v[i] * av[j] + av[i] * v[j];
                }
            }
        }
        return a;
    }

    private static void CheckDense(double[] a, int n)
    {
        double[] dc = SymmetricEigenSolver.Solve((double[])a.Clone(), n, true, out double[]? vt, TridiagonalMethod.DivideAndConquer);
        double[] ql = SymmetricEigenSolver.Solve((double[])a.Clone(), n, false, out _, TridiagonalMethod.QlIteration);
        Assert.NotNull(vt);
        double norm = a.Select(Math.Abs).Max();
        CheckPairs(n, dc, vt, norm, (row, output) =>
        {
            for (int i = 0; i < n; i++)
            {
                double sum = 0.0;
                for (int j = 0; j < n; j++)
                {
                    sum += a[i * n + j] * row[j];
                }
                output[i] = sum;
            }
        });
        CheckValues(dc, ql, n, norm);
    }

    private static void CheckTridiagonal(double[] d, double[] e)
    {
        int n = d.Length;
        double[] diagonal = (double[])d.Clone();
        double[] offDiagonal = (double[])e.Clone();
        offDiagonal[n - 1] = 0.0;
        var vt = new double[n * n];
        double[] values = (double[])d.Clone();
        TridiagonalDivideAndConquer.Solve(values, (double[])e.Clone(), vt, n);

        double[] qlValues = (double[])d.Clone();
        SymmetricEigenSolver.TridiagonalQl(qlValues, (double[])offDiagonal.Clone(), null, n);
        Array.Sort(qlValues);

        double norm = Math.Max(diagonal.Max(Math.Abs), offDiagonal.Max(Math.Abs));
        CheckPairs(n, values, vt, norm, (row, output) =>
        {
            for (int i = 0; i < n; i++)
            {
                double sum = diagonal[i] * row[i];
                if (i > 0)
                {
                    sum += offDiagonal[i - 1] * row[i - 1];
                }
                if (i < n - 1)
                {
                    sum += offDiagonal[i] * row[i + 1];
                }
                output[i] = sum;
            }
        });
        CheckValues(values, qlValues, n, norm);
    }

    private static void CheckPairs(int n, double[] values, double[] vt, double norm, Action<double[], double[]> multiply)
    {
        for (int j = 1; j < n; j++)
        {
            Assert.True(values[j - 1] <= values[j], $"values not ascending at {j}");
        }
        double bound = 20 * n * Eps;
        var row = new double[n];
        var product = new double[n];
        double residual = 0.0;
        for (int j = 0; j < n; j++)
        {
            Array.Copy(vt, j * n, row, 0, n);
            multiply(row, product);
            for (int i = 0; i < n; i++)
            {
                residual = Math.Max(residual, Math.Abs(product[i] - values[j] * row[i]));
            }
        }
        Assert.True(residual <= bound * Math.Max(norm, double.Epsilon), $"‖AV − VΛ‖max = {residual:E2} > {bound * norm:E2}");

        double orthogonality = 0.0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double dot = 0.0;
                for (int p = 0; p < n; p++)
                {
                    dot += vt[i * n + p] * vt[j * n + p];
                }
                orthogonality = Math.Max(orthogonality, Math.Abs(dot - (i == j ? 1.0 : 0.0)));
            }
        }
        Assert.True(orthogonality <= bound, $"‖VᵀV − I‖max = {orthogonality:E2} > {bound:E2}");
    }

    private static void CheckValues(double[] values, double[] reference, int n, double norm)
    {
        double bound = 20 * n * Eps * norm;
        for (int i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(values[i] - reference[i]) <= bound, $"value {i}: {values[i]:R} vs QL {reference[i]:R}");
        }
    }
}
