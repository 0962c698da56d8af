using Manabi.Numerics.LinearAlgebra;

namespace Manabi.Numerics.Tests.LinearAlgebra;

/// <summary>
/// The packed matrix product against a plain triple loop, over shapes that hit every edge of its blocking, with every
/// micro-kernel the CPU runs: the 6×8 tiles of AVX2 machines are checked on AVX-512 ones too.
/// </summary>
public class PackedGemmTests
{
    [Fact]
    public void EveryMachineTestsTheNarrowKernels()
    {
        // A bug in the 6-row panels once passed every test on the AVX-512 machines (which run 12×16 tiles) and gave
        // wrong eigenvectors, then a crash, on AVX2 ones.
        Assert.Equal(PackedGemm.Native, PackedGemm.Runnable[0]);
        Assert.Contains(GemmKernel.Scalar, PackedGemm.Runnable);
        if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
        {
            Assert.Contains(GemmKernel.Vector256, PackedGemm.Runnable);
        }
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(5, 7, 3)]
    [InlineData(12, 16, 8)]
    [InlineData(13, 17, 9)]
    [InlineData(37, 53, 29)]
    [InlineData(100, 33, 200)]
    [InlineData(97, 130, 193)]
    [InlineData(250, 260, 70)]
    [InlineData(300, 40, 450)]
    [InlineData(64, 2100, 20)]
    public void MatchesTripleLoopForEveryLayout(int m, int n, int k)
    {
        var random = new Random(m * 10007 + n * 101 + k);
        foreach (bool transposeA in new[] { false, true })
        {
            foreach (bool transposeB in new[] { false, true })
            {
                foreach ((double alpha, double beta) in new[] { (1.0, 0.0), (-0.5, 1.0) })
                {
                    // Offsets and leading dimensions larger than the matrix, as views into bigger arrays use them.
                    int aOffset = 3, bOffset = 5, cOffset = 2;
                    int lda = (transposeA ? m : k) + 4, ldb = (transposeB ? k : n) + 1, ldc = n + 3;
                    var aData = RandomArray(random, aOffset + (transposeA ? k : m) * lda);
                    var bData = RandomArray(random, bOffset + (transposeB ? n : k) * ldb);
                    var c = RandomArray(random, cOffset + m * ldc);
                    if (beta == 0.0)
                    {
                        // β = 0 must ignore C's old contents, NaN included.
                        Array.Fill(c, double.NaN);
                    }
                    var expected = (double[])c.Clone();
                    StridedMatrix a = transposeA ? StridedMatrix.Transposed(aData, aOffset, lda) : StridedMatrix.RowMajor(aData, aOffset, lda);
                    StridedMatrix b = transposeB ? StridedMatrix.Transposed(bData, bOffset, ldb) : StridedMatrix.RowMajor(bData, bOffset, ldb);
                    for (int i = 0; i < m; i++)
                    {
                        for (int j = 0; j < n; j++)
                        {
                            double sum = 0.0;
                            for (int p = 0; p < k; p++)
                            {
                                sum += At(a, i, p) * At(b, p, j);
                            }
                            ref double target = ref expected[cOffset + i * ldc + j];
                            target = beta == 0.0 ? alpha * sum : target + alpha * sum;
                        }
                    }

                    // The general product, and B packed beforehand (as the back-transformation shares it), also on one thread.
                    var original = (double[])c.Clone();
                    var variants = new List<(string Name, Action<double[]> Run)>();
                    foreach (GemmKernel kernel in PackedGemm.Runnable)
                    {
                        PackedRight packed = PackedGemm.PackRight(k, n, b, kernel);
                        Assert.Equal(kernel, packed.Kernel);
                        variants.Add(($"{kernel} general", target => PackedGemm.Multiply(m, n, k, alpha, a, b, beta, target, cOffset, ldc, kernel: kernel)));
                        variants.Add(($"{kernel} general, one thread", target => PackedGemm.Multiply(m, n, k, alpha, a, b, beta, target, cOffset, ldc, allowParallel: false, kernel: kernel)));
                        variants.Add(($"{kernel} packed B", target => PackedGemm.Multiply(m, alpha, a, packed, beta, target, cOffset, ldc)));
                        variants.Add(($"{kernel} packed B, one thread", target => PackedGemm.Multiply(m, alpha, a, packed, beta, target, cOffset, ldc, allowParallel: false)));
                    }
                    foreach ((string name, Action<double[]> run) in variants)
                    {
                        c = (double[])original.Clone();
                        run(c);
                        for (int i = 0; i < c.Length; i++)
                        {
                            bool inside = i >= cOffset && (i - cOffset) / ldc < m && (i - cOffset) % ldc < n;
                            if (!inside)
                            {
                                // Padding between rows is left alone.
                                Assert.True(c[i].Equals(expected[i]), $"padding {i} changed ({name}, {transposeA}, {transposeB})");
                                continue;
                            }
                            Assert.True(Math.Abs(c[i] - expected[i]) <= 1e-12 * k,
                                $"{name}: C[{(i - cOffset) / ldc}, {(i - cOffset) % ldc}] = {c[i]:R}, expected {expected[i]:R} (Aᵀ {transposeA}, Bᵀ {transposeB}, α {alpha}, β {beta})");
                        }
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(937, 61, 61, 937)]
    [InlineData(5, 3, 300, 17)]
    [InlineData(64, 2100, 33, 7)]
    public void FactorsPackedBackToBackInOneBufferMatchTheirOwnPacks(int k1, int n1, int k2, int n2)
    {
        // As the back-transformation packs every reflector block into one pooled buffer: each pack starts where the
        // previous one's PackedRightLength ends, and must give the same products as a pack of its own.
        foreach (GemmKernel kernel in PackedGemm.Runnable)
        {
            var random = new Random(k1 + n1 * 7 + k2 * 31 + n2);
            var b1 = RandomArray(random, k1 * n1);
            var b2 = RandomArray(random, k2 * n2);
            int length1 = PackedGemm.PackedRightLength(k1, n1, kernel);
            Assert.Equal(0, length1 % PackedGemm.AlignDoubles);
            var buffer = new double[length1 + PackedGemm.PackedRightLength(k2, n2, kernel) + PackedGemm.AlignDoubles + 3];
            Array.Fill(buffer, double.NaN);
            int start = PackedGemm.AlignedStart(buffer);
            PackedRight first = PackedGemm.PackRight(k1, n1, StridedMatrix.RowMajor(b1, 0, n1), buffer, start, kernel);
            PackedRight second = PackedGemm.PackRight(k2, n2, StridedMatrix.Transposed(b2, 0, k2), buffer, start + length1, kernel);
            PackedRight ownFirst = PackedGemm.PackRight(k1, n1, StridedMatrix.RowMajor(b1, 0, n1), kernel);
            PackedRight ownSecond = PackedGemm.PackRight(k2, n2, StridedMatrix.Transposed(b2, 0, k2), kernel);
            ProductsAgree(random, first, ownFirst, k1);
            ProductsAgree(random, second, ownSecond, k2);
        }
    }

    private static void ProductsAgree(Random random, PackedRight shared, PackedRight own, int k)
    {
        int m = 29;
        var a = RandomArray(random, m * k);
        var viaShared = new double[m * shared.Columns];
        var viaOwn = new double[m * shared.Columns];
        PackedGemm.Multiply(m, 1.0, StridedMatrix.RowMajor(a, 0, k), shared, 0.0, viaShared, 0, shared.Columns);
        PackedGemm.Multiply(m, 1.0, StridedMatrix.RowMajor(a, 0, k), own, 0.0, viaOwn, 0, own.Columns);
        Assert.Equal(viaOwn, viaShared);
    }

    [Fact]
    public void ConcurrentProductsDoNotShareBuffers()
    {
        // Products started from several threads at once (as the divide-and-conquer halves do) stay independent.
        var results = new double[4][];
        var expected = new double[4][];
        Parallel.For(0, 4, t =>
        {
            int m = 150 + t, n = 140, k = 210;
            var random = new Random(t);
            var a = RandomArray(random, m * k);
            var b = RandomArray(random, k * n);
            var c = new double[m * n];
            PackedGemm.Multiply(m, n, k, 1.0, StridedMatrix.RowMajor(a, 0, k), StridedMatrix.RowMajor(b, 0, n), 0.0, c, 0, n);
            var reference = new double[m * n];
            for (int i = 0; i < m; i++)
            {
                for (int p = 0; p < k; p++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        reference[i * n + j] += a[i * k + p] * b[p * n + j];
                    }
                }
            }
            results[t] = c;
            expected[t] = reference;
        });
        for (int t = 0; t < 4; t++)
        {
            for (int i = 0; i < results[t].Length; i++)
            {
                Assert.True(Math.Abs(results[t][i] - expected[t][i]) < 1e-11, $"product {t}, entry {i}");
            }
        }
    }

    private static double At(StridedMatrix x, int i, int j) => x.Data[x.Offset + i * x.RowStride + j * x.ColumnStride];

    private static double[] RandomArray(Random random, int length)
    {
        var x = new double[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = random.NextDouble() * 2 - 1;
        }
        return x;
    }
}
