using System.Numerics.Tensors;

namespace Manabi.Vectors.Tests;

public class SearchTests
{
    [Fact]
    public void ExactTopKMatchesBruteForce()
    {
        using var dir = new TempDirectory();
        var (keys, values) = TestVectors.Random(20_000, 16, 11);
        VectorStoreConverter.Write(keys, values, 16, dir.File("r.mwv"), new VectorConvertOptions { BuildNgramIndex = false });
        using var store = VectorStore.Open(dir.File("r.mwv"));
        float[] q = store.GetVector("w42");
        var expected = Enumerable.Range(0, keys.Length).Where(i => i != 42)
            .Select(i => (i, s: TensorPrimitives.Dot(q, store.GetVector(keys[i]))))
            .OrderByDescending(x => x.s).Take(10).Select(x => x.i).ToArray();
        IReadOnlyList<Neighbor> found = store.MostSimilar("w42", 10);
        Assert.Equal(expected, found.Select(n => n.Index).ToArray());
        Assert.True(found.Zip(found.Skip(1)).All(p => p.First.Similarity >= p.Second.Similarity));
    }

    [Fact]
    public void AnalogiesCosAddAndCosMulExcludeQueryKeys()
    {
        VectorStore store = TestVectors.Fixture;
        IReadOnlyList<Neighbor> add = store.MostSimilar(["function", "class"], ["method"], 5);
        IReadOnlyList<Neighbor> mul = store.MostSimilar(["function", "class"], ["method"], 5, AnalogyMethod.CosMul);
        Assert.Equal(5, add.Count);
        Assert.Equal(5, mul.Count);
        foreach (Neighbor n in add.Concat(mul))
        {
            Assert.DoesNotContain(n.Key, new[] { "function", "class", "method" });
        }
    }

    [Fact]
    public void DoesntMatchCloserThanAndSimilarity()
    {
        VectorStore store = TestVectors.Fixture;
        Assert.Equal("banana", store.DoesntMatch(["list", "tuple", "dict", "banana"]));
        float s = store.Similarity("list", "tuple");
        Assert.True(s > store.Similarity("list", "banana"));
        IReadOnlyList<Neighbor> closer = store.CloserThan("list", "tuple");
        Assert.All(closer, n => Assert.True(n.Similarity > s));
        Assert.DoesNotContain(closer, n => n.Key is "list" or "tuple");
        Assert.Equal("tuple", store.MostSimilarToGiven("list", ["banana", "tuple"]));
    }

    [Fact]
    public void ApproximateSearchRecallsTheExactNeighbours()
    {
        VectorStore store = TestVectors.Fixture;
        Assert.True(store.HasApproximateIndex);
        RecallReport report = store.MeasureApproximateRecall(queries: 200, top: 10, effort: 0.1);
        Assert.True(report.Recall >= 0.95, $"recall@10 {report.Recall:F3}");
        IReadOnlyList<Neighbor> approx = store.MostSimilar("python", 10, approximate: true);
        IReadOnlyList<Neighbor> exact = store.MostSimilar("python", 10);
        Assert.True(approx.Select(n => n.Key).Intersect(exact.Select(n => n.Key)).Count() >= 8);
    }

    [Fact]
    public void ApproximateSearchWithoutAGraphIsAClearError()
    {
        using var dir = new TempDirectory();
        var (keys, values) = TestVectors.Random(100, 4, 1);
        VectorStoreConverter.Write(keys, values, 4, dir.File("r.mwv"));
        using var store = VectorStore.Open(dir.File("r.mwv"));
        Assert.Contains("no approximate index", Assert.Throws<InvalidOperationException>(() => store.MostSimilar("w1", 3, approximate: true)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HnswWorksOnQuantizedStores()
    {
        using var dir = new TempDirectory();
        var (keys, values) = TestVectors.Random(3000, 24, 5);
        VectorStoreConverter.Write(keys, values, 24, dir.File("q.mwv"), new VectorConvertOptions { DType = VectorDType.Int8, BuildApproximateIndex = true, BuildNgramIndex = false });
        using var store = VectorStore.Open(dir.File("q.mwv"), new VectorStoreOptions { VerifyChecksums = true });
        Assert.True(store.MeasureApproximateRecall(50, 10, 0.2).Recall >= 0.9);
    }
}
