using Microsoft.Extensions.VectorData;

namespace Manabi.VectorData.Tests;

public sealed class SearchTests
{
    public sealed class Point
    {
        [VectorStoreKey]
        public long Id { get; set; }

        [VectorStoreData]
        public int Group { get; set; }

        [VectorStoreVector(16)]
        public float[]? Vector { get; set; }
    }

    private static VectorStoreCollectionDefinition DefinitionFor(string distance, string? indexKind = null) => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty(nameof(Point.Id), typeof(long)),
            new VectorStoreDataProperty(nameof(Point.Group), typeof(int)),
            new VectorStoreVectorProperty(nameof(Point.Vector), typeof(float[]), 16) { DistanceFunction = distance, IndexKind = indexKind },
        ],
    };

    private static List<Point> Points(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(1, count).Select(i => new Point { Id = i, Group = i % 4, Vector = Hotel.RandomVector(random, 16) }).ToList();
    }

    // MEVD's conventions: similarities rank high first, distances low first; the score is the function's value.
    private static double Score(string distance, float[] q, float[] x)
    {
        double dot = 0, sq = 0;
        for (int i = 0; i < q.Length; i++)
        {
            dot += q[i] * x[i];
            sq += (q[i] - x[i]) * (q[i] - x[i]);
        }
        var cosine = FilterTests.Cosine(q, x);
        return distance switch
        {
            DistanceFunction.CosineSimilarity => cosine,
            DistanceFunction.CosineDistance => 1 - cosine,
            DistanceFunction.DotProductSimilarity => dot,
            DistanceFunction.EuclideanDistance => Math.Sqrt(sq),
            DistanceFunction.EuclideanSquaredDistance => sq,
            _ => throw new ArgumentException(distance),
        };
    }

    private static bool HigherIsBetter(string distance) => distance is DistanceFunction.CosineSimilarity or DistanceFunction.DotProductSimilarity;

    public static TheoryData<string> Distances() =>
    [
        DistanceFunction.CosineSimilarity, DistanceFunction.CosineDistance, DistanceFunction.DotProductSimilarity,
        DistanceFunction.EuclideanDistance, DistanceFunction.EuclideanSquaredDistance,
    ];

    [Theory]
    [MemberData(nameof(Distances))]
    public async Task EachDistanceFunctionScoresAndRanksLikeBruteForce(string distance)
    {
        using var dir = new TempDirectory();
        using var store = new ManabiVectorStore(dir.Path);
        using var points = store.GetCollection<long, Point>("points", DefinitionFor(distance));
        await points.EnsureCollectionExistsAsync();
        var records = Points(300, seed: 3);
        await points.UpsertAsync(records);
        var random = new Random(11);
        for (int trial = 0; trial < 5; trial++)
        {
            var q = Hotel.RandomVector(random, 16);
            var scored = records.Select(p => (p.Id, Score: Score(distance, q, p.Vector!))).ToList();
            var ranked = HigherIsBetter(distance) ? scored.OrderByDescending(s => s.Score).ToList() : scored.OrderBy(s => s.Score).ToList();

            var top = await points.SearchAsync(q, 10).ToListAsync();
            Assert.Equal(ranked.Take(10).Select(s => s.Id), top.Select(r => r.Record.Id));
            for (int i = 0; i < 10; i++)
            {
                Assert.Equal(ranked[i].Score, top[i].Score!.Value, 1e-4);
            }

            var page = await points.SearchAsync(q, 5, new() { Skip = 7 }).ToListAsync();
            Assert.Equal(ranked.Skip(7).Take(5).Select(s => s.Id), page.Select(r => r.Record.Id));

            // The threshold keeps scores at least as good as it (>= for similarities, <= for distances).
            var threshold = ranked[20].Score;
            var passing = await points.SearchAsync(q, 100, new() { ScoreThreshold = threshold }).ToListAsync();
            var expected = ranked.Where(s => HigherIsBetter(distance) ? s.Score >= threshold - 1e-6 : s.Score <= threshold + 1e-6).Take(100).ToList();
            Assert.InRange(passing.Count, expected.Count - 1, expected.Count);
            Assert.All(passing, r => Assert.True(HigherIsBetter(distance) ? r.Score >= threshold - 1e-4 : r.Score <= threshold + 1e-4));

            var filtered = await points.SearchAsync(q, 10, new() { Filter = p => p.Group == 2 }).ToListAsync();
            Assert.Equal(ranked.Where(s => s.Id % 4 == 2).Take(10).Select(s => s.Id), filtered.Select(r => r.Record.Id));
        }
    }

    [Fact]
    public async Task SearchAcceptsEveryVectorShapeAndReturnsVectorsOnlyWhenAsked()
    {
        using var dir = new TempDirectory();
        using var store = new ManabiVectorStore(dir.Path);
        using var points = store.GetCollection<long, Point>("points");
        await points.EnsureCollectionExistsAsync();
        var records = Points(50, seed: 5);
        await points.UpsertAsync(records);
        var q = records[4].Vector!;
        foreach (var results in new[]
        {
            await points.SearchAsync(q, 1).ToListAsync(),
            await points.SearchAsync(new ReadOnlyMemory<float>(q), 1).ToListAsync(),
            await points.SearchAsync(new Microsoft.Extensions.AI.Embedding<float>(q), 1).ToListAsync(),
        })
        {
            Assert.Equal(5, results[0].Record.Id);
            Assert.Null(results[0].Record.Vector);
        }
        var withVectors = await points.SearchAsync(q, 1, new() { IncludeVectors = true }).ToListAsync();
        Assert.Equal(q, withVectors[0].Record.Vector);
        // Without a generator a string is no search value.
        await Assert.ThrowsAsync<NotSupportedException>(async () => await points.SearchAsync("text", 1).ToListAsync());
    }

    [Fact]
    public async Task TopLargerThanTheCollectionReturnsEverything()
    {
        using var dir = new TempDirectory();
        using var store = new ManabiVectorStore(dir.Path);
        using var points = store.GetCollection<long, Point>("points");
        await points.EnsureCollectionExistsAsync();
        Assert.Empty(await points.SearchAsync(new float[16], 5).ToListAsync());
        await points.UpsertAsync(Points(3, seed: 1));
        Assert.Equal(3, (await points.SearchAsync(new float[16], 50).ToListAsync()).Count);
    }

    [Theory]
    [InlineData(DistanceFunction.ManhattanDistance, null)]
    [InlineData(DistanceFunction.HammingDistance, null)]
    [InlineData(DistanceFunction.NegativeDotProductSimilarity, null)]
    [InlineData(DistanceFunction.CosineSimilarity, IndexKind.IvfFlat)]
    [InlineData(DistanceFunction.CosineSimilarity, IndexKind.DiskAnn)]
    public void UnsupportedDistanceFunctionsAndIndexKindsThrowNotSupported(string distance, string? indexKind)
    {
        using var dir = new TempDirectory();
        using var store = new ManabiVectorStore(dir.Path);
        var error = Assert.Throws<NotSupportedException>(() => store.GetCollection<long, Point>("points", DefinitionFor(distance, indexKind)));
        Assert.Contains("Vector", error.Message, StringComparison.Ordinal);
    }
}
