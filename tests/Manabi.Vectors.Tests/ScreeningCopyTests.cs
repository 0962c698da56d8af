using System.Numerics.Tensors;

namespace Manabi.Vectors.Tests;

/// <summary>The int8 screening copy must never change an exact search: same rows, same scores, same order.</summary>
public class ScreeningCopyTests
{
    [Theory]
    [InlineData(20_000, 2, 10)]
    [InlineData(20_000, 3, 5)]
    [InlineData(20_000, 16, 1)]
    [InlineData(20_000, 300, 10)]
    [InlineData(5_000, 64, 200)]
    [InlineData(3_000, 100, 3_000)]
    public void ScreenedTopKEqualsTheFullFloat32Scan(int count, int dims, int top) => ScreenedEqualsPlain(count, dims, top, VectorDType.Float32);

    [Theory]
    [InlineData(20_000, 2, 10)]
    [InlineData(20_000, 3, 5)]
    [InlineData(10_000, 300, 10)]
    [InlineData(3_000, 64, 3_000)]
    public void ScreenedTopKOnAnInt8StoreEqualsItsFullScan(int count, int dims, int top) => ScreenedEqualsPlain(count, dims, top, VectorDType.Int8);

    private static void ScreenedEqualsPlain(int count, int dims, int top, VectorDType dtype)
    {
        using var dir = new TempDirectory();
        (string[] keys, float[] values) = ClusteredWithTies(count, dims, seed: 5);
        VectorStoreConverter.Write(keys, values, dims, dir.File("s.mwv"), new VectorConvertOptions { BuildNgramIndex = false, DType = dtype });
        using var screened = VectorStore.Open(dir.File("s.mwv"));
        using var plain = VectorStore.Open(dir.File("s.mwv"), new VectorStoreOptions { UseScreeningCopy = false });
        Assert.Equal(dtype == VectorDType.Float32, screened.HasScreeningCopy);
        var rng = new Random(9);
        for (int query = 0; query < 25; query++)
        {
            // Stored rows, their negations and random directions: near-duplicates make the bounds work hardest.
            float[] q = query % 3 == 2
                ? [.. Enumerable.Range(0, dims).Select(_ => (float)rng.NextDouble() - 0.5f)]
                : screened.GetVector(keys[rng.Next(count)]);
            if (query % 3 == 1)
            {
                TensorPrimitives.Negate(q, q);
            }
            IReadOnlyList<Neighbor> expected = plain.MostSimilar(q, top);
            Assert.Equal(-1, VectorStore.LastExactSearchRescored);
            IReadOnlyList<Neighbor> actual = screened.MostSimilar(q, top);
            int rescored = VectorStore.LastExactSearchRescored;
            Assert.InRange(rescored, Math.Min(top, count), count);
            Assert.Equal(expected.Select(n => (n.Index, n.Similarity)), actual.Select(n => (n.Index, n.Similarity)));
        }
    }

    [Theory]
    [InlineData(VectorDType.Float32, 2)]
    [InlineData(VectorDType.Float32, 7)]
    [InlineData(VectorDType.Float32, 300)]
    [InlineData(VectorDType.Int8, 2)]
    [InlineData(VectorDType.Int8, 7)]
    [InlineData(VectorDType.Int8, 300)]
    public void EveryRowsEstimateIsWithinItsBoundAndTheBoundIsNotLoose(VectorDType dtype, int dims)
    {
        using var dir = new TempDirectory();
        var (keys, values) = TestVectors.Random(4_000, dims, 8);
        VectorStoreConverter.Write(keys, values, dims, dir.File("b.mwv"), new VectorConvertOptions { BuildNgramIndex = false, DType = dtype });
        using var store = VectorStore.Open(dir.File("b.mwv"));
        var rng = new Random(4);
        var row = new float[dims];
        double tightest = 0;
        for (int query = 0; query < 20; query++)
        {
            float[] q = [.. Enumerable.Range(0, dims).Select(_ => (float)rng.NextDouble() - 0.5f)];
            VectorStore.Normalize(q);
            ScreeningCopy.Screen screen = ScreeningCopy.Prepare(store, q);
            for (int r = 0; r < store.Count; r++)
            {
                store.GetRow(r, row);
                float exact = TensorPrimitives.Dot(q, row);
                (float approximate, float bound) = screen.Estimate(r);
                Assert.True(Math.Abs(exact - approximate) <= bound, $"row {r}: |{exact} - {approximate}| > {bound}");
                tightest = Math.Max(tightest, Math.Abs(exact - approximate) / bound);
            }
        }
        // In few dimensions the error vectors line up with the rows for some of them: a bound twice too large shows.
        if (dims <= 7)
        {
            Assert.True(tightest > 0.5, $"the bound is at least {1 / tightest:F1}x the largest error seen");
        }
    }

    [Fact]
    public void ScreeningSkipsMostRowsOnSpreadOutVectors()
    {
        using var dir = new TempDirectory();
        var (keys, values) = TestVectors.Random(50_000, 300, 3);
        VectorStoreConverter.Write(keys, values, 300, dir.File("r.mwv"), new VectorConvertOptions { BuildNgramIndex = false });
        using var store = VectorStore.Open(dir.File("r.mwv"));
        store.MostSimilar("w7", 10);
        Assert.InRange(VectorStore.LastExactSearchRescored, 11, 50_000 / 20);
    }

    [Fact]
    public void ZeroVectorsAndZeroQueriesAreHandled()
    {
        using var dir = new TempDirectory();
        string[] keys = ["zero", "x", "y", "minus-x"];
        float[] values = [0, 0, 0, 1, 0, 0, 0, 1, 0, -1, 0, 0];
        VectorStoreConverter.Write(keys, values, 3, dir.File("z.mwv"), new VectorConvertOptions { BuildNgramIndex = false });
        using var store = VectorStore.Open(dir.File("z.mwv"));
        Assert.Equal(["x", "y", "zero", "minus-x"], store.MostSimilar([1f, 0.1f, 0], 4).Select(n => n.Key));
        Assert.Equal([0, 1, 2, 3], store.MostSimilar([0f, 0, 0], 4).Select(n => n.Index));
    }

    [Fact]
    public void OnlyFloat32StoresGetTheCopyInt8StoresScreenTheirOwnCodesAndTheCopyCanBeLeftOut()
    {
        using var dir = new TempDirectory();
        var (keys, values) = TestVectors.Random(500, 8, 1);
        VectorStoreConverter.Write(keys, values, 8, dir.File("f16.mwv"), new VectorConvertOptions { DType = VectorDType.Float16, BuildNgramIndex = false });
        VectorStoreConverter.Write(keys, values, 8, dir.File("i8.mwv"), new VectorConvertOptions { DType = VectorDType.Int8, BuildNgramIndex = false });
        VectorStoreConverter.Write(keys, values, 8, dir.File("none.mwv"), new VectorConvertOptions { BuildScreeningCopy = false, BuildNgramIndex = false });
        using var f16 = VectorStore.Open(dir.File("f16.mwv"));
        using var none = VectorStore.Open(dir.File("none.mwv"));
        using var i8 = VectorStore.Open(dir.File("i8.mwv"));
        Assert.False(f16.HasScreeningCopy);
        Assert.False(i8.HasScreeningCopy);
        Assert.False(none.HasScreeningCopy);
        f16.MostSimilar("w1", 3);
        Assert.Equal(-1, VectorStore.LastExactSearchRescored);
        i8.MostSimilar("w1", 3);
        Assert.InRange(VectorStore.LastExactSearchRescored, 4, 500);
        none.MostSimilar("w1", 3);
        Assert.Equal(-1, VectorStore.LastExactSearchRescored);
    }

    [Fact]
    public void EncodeBoundsTheResidual()
    {
        var rng = new Random(2);
        for (int trial = 0; trial < 200; trial++)
        {
            float[] v = [.. Enumerable.Range(0, 1 + trial % 97).Select(_ => (float)(rng.NextDouble() * 2 - 1) * (trial % 5 == 0 ? 1e-30f : 1))];
            var codes = new sbyte[v.Length];
            (float scale, float bound) = Int8Kernels.Quantize(v, codes);
            double residual = Math.Sqrt(v.Select((x, i) => Math.Pow(x - (double)scale * codes[i], 2)).Sum());
            Assert.True(residual <= bound, $"trial {trial}: residual {residual} > bound {bound}");
            Assert.All(codes, c => Assert.InRange(c, (sbyte)-127, (sbyte)127));
        }
    }

    [Fact]
    public void EveryCodeDotPathIsExact()
    {
        // The screen's integer dot product has an AVX-512, an AVX2 and a scalar path; each machine runs only its widest,
        // so every path it can run is held here to the exact sum, at the extremes of the codes as well.
        Assert.Contains(CodeDotPath.Scalar, Int8Kernels.RunnablePaths);
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported)
        {
            Assert.Contains(CodeDotPath.Avx2, Int8Kernels.RunnablePaths);
        }
        var rng = new Random(5);
        foreach (int stride in new[] { 64, 128, 384, 1024 })
        {
            for (int trial = 0; trial < 20; trial++)
            {
                var codes = new sbyte[stride];
                var query = new short[stride];
                for (int j = 0; j < stride; j++)
                {
                    // Trial 0: every product at +127·127, the largest sum a row can reach; trial 1: alternating signs.
                    codes[j] = trial switch { 0 => 127, 1 => (sbyte)(j % 2 == 0 ? 127 : -127), _ => (sbyte)rng.Next(-127, 128) };
                    query[j] = trial switch { 0 => 127, 1 => -127, _ => (short)rng.Next(-127, 128) };
                }
                long expected = 0;
                for (int j = 0; j < stride; j++)
                {
                    expected += codes[j] * query[j];
                }
                foreach (CodeDotPath path in Int8Kernels.RunnablePaths)
                {
                    Assert.True(expected == Int8Kernels.CodeDot(path, codes, query), $"{path}, stride {stride}, trial {trial}");
                }
            }
        }
    }

    /// <summary>Tight clusters, exact duplicates and rows differing in one component: many ties and near-ties.</summary>
    private static (string[] Keys, float[] Values) ClusteredWithTies(int count, int dims, int seed)
    {
        var rng = new Random(seed);
        var centres = new float[16][];
        for (int c = 0; c < centres.Length; c++)
        {
            centres[c] = [.. Enumerable.Range(0, dims).Select(_ => (float)(rng.NextDouble() * 2 - 1))];
        }
        var values = new float[count * dims];
        for (int i = 0; i < count; i++)
        {
            Span<float> row = values.AsSpan(i * dims, dims);
            if (i % 10 == 9)
            {
                values.AsSpan((i - 1) * dims, dims).CopyTo(row);
                if (i % 20 == 19)
                {
                    row[i % dims] += 1e-4f;
                }
                continue;
            }
            float[] centre = centres[rng.Next(centres.Length)];
            for (int d = 0; d < dims; d++)
            {
                row[d] = centre[d] + (float)(rng.NextDouble() - 0.5) * 0.05f;
            }
        }
        return ([.. Enumerable.Range(0, count).Select(i => "k" + i)], values);
    }
}
