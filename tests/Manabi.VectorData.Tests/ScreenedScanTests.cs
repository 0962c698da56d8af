using System.Numerics.Tensors;
using Microsoft.Extensions.VectorData;

namespace Manabi.VectorData.Tests;

/// <summary>
/// The int8-screened exact scan of <see cref="VectorIndex"/> must return exactly what a float32 scan of every row
/// returns (same ids, order and bit-identical scores, ties broken by the lower id) for every distance function, on
/// unit and unnormalized rows, random and adversarial data, through sets, overwrites, removals and clears.
/// </summary>
public sealed class ScreenedScanTests
{
    public static TheoryData<string, int, bool> Cases()
    {
        var data = new TheoryData<string, int, bool>();
        foreach (var function in Functions)
        {
            foreach (var dims in new[] { 3, 64, 385 })
            {
                data.Add(function, dims, false);
                data.Add(function, dims, true);
            }
        }
        return data;
    }

    private static readonly string[] Functions =
    [
        DistanceFunction.CosineSimilarity, DistanceFunction.CosineDistance, DistanceFunction.DotProductSimilarity,
        DistanceFunction.EuclideanDistance, DistanceFunction.EuclideanSquaredDistance,
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void FlatScreenedSearchEqualsTheFullFloat32Scan(string function, int dims, bool adversarial)
    {
        var rng = new Random(17 + dims);
        var index = new VectorIndex("v", dims, function, IndexKind.Flat);
        var model = new Model(index);
        int count = dims > 100 ? 1_500 : 3_000;
        foreach (var (id, vector) in Rows(rng, count, dims, adversarial))
        {
            model.Set(id, vector);
        }
        model.CheckQueries(rng, queries: 12);

        // Overwrites keep the slot; removals move the last row into the hole.
        for (int i = 0; i < count / 5; i++)
        {
            model.Set(rng.Next(1, count + 1), Row(rng, dims, adversarial, model.Vectors));
        }
        for (int i = 0; i < count / 3; i++)
        {
            model.Remove(rng.Next(1, count + 1));
        }
        model.CheckQueries(rng, queries: 12);

        model.Clear();
        Assert.Empty(index.Search(new float[dims], 5, null, null));
        foreach (var (id, vector) in Rows(rng, count / 4, dims, adversarial))
        {
            model.Set(id + 10_000, vector);
        }
        model.CheckQueries(rng, queries: 8);
    }

    [Theory]
    [InlineData(DistanceFunction.CosineSimilarity)]
    [InlineData(DistanceFunction.DotProductSimilarity)]
    [InlineData(DistanceFunction.EuclideanDistance)]
    public void HnswSelectiveFilterScanEqualsTheFullFloat32ScanAcrossCompaction(string function)
    {
        const int dims = 40;
        var rng = new Random(3);
        var index = new VectorIndex("v", dims, function, IndexKind.Hnsw);
        var model = new Model(index);
        foreach (var (id, vector) in Rows(rng, 1_200, dims, adversarial: true))
        {
            model.Set(id, vector);
        }
        // Replacements and removals leave tombstones; past a quarter of them the graph compacts (rows renumbered).
        for (int i = 0; i < 500; i++)
        {
            if (i % 2 == 0)
            {
                model.Remove(rng.Next(1, 1_201));
            }
            else
            {
                model.Set(rng.Next(1, 1_201), Row(rng, dims, adversarial: true, model.Vectors));
            }
        }
        // Up to 256 candidates are scanned exactly, not walked in the graph: with tombstones, then with none.
        model.CheckQueries(rng, queries: 12, onlyFiltered: true);
        index.Compact();
        Assert.Equal(0, index.Tombstones);
        model.CheckQueries(rng, queries: 12, onlyFiltered: true);
    }

    [Theory]
    [InlineData(DistanceFunction.CosineSimilarity, 0.05)]
    [InlineData(DistanceFunction.DotProductSimilarity, 0.05)]
    [InlineData(DistanceFunction.EuclideanDistance, 0.05)]
    public void TheScreenRescoresFewRowsOnClusteredData(string function, double maxFraction)
    {
        const int count = 20_000, dims = 128, top = 10;
        var rng = new Random(8);
        var index = new VectorIndex("v", dims, function, IndexKind.Flat);
        var model = new Model(index);
        var centres = Enumerable.Range(0, 50).Select(_ => Gaussian(rng, dims, 1)).ToArray();
        for (int id = 1; id <= count; id++)
        {
            var row = centres[rng.Next(centres.Length)].Zip(Gaussian(rng, dims, 0.3f), (c, n) => c + n).ToArray();
            // Unnormalized rows for the dot product: lengths from 0.5 to 2.
            float length = function == DistanceFunction.DotProductSimilarity ? 0.5f + 1.5f * (float)rng.NextDouble() : 1 / TensorPrimitives.Norm(row);
            TensorPrimitives.Multiply(row, length, row);
            model.Set(id, row);
        }
        var rescored = new List<int>();
        for (int q = 0; q < 10; q++)
        {
            var query = model.Vectors.Values.ElementAt(rng.Next(count)).Zip(Gaussian(rng, dims, 0.05f), (x, n) => x + n).ToArray();
            model.Check(query, top, candidates: null);
            rescored.Add(ScreenedRows.LastRescored);
        }
        Assert.All(rescored, r => Assert.InRange(r, top, (int)(count * maxFraction)));
    }

    [Theory]
    [InlineData(DistanceFunction.DotProductSimilarity, 3)]
    [InlineData(DistanceFunction.DotProductSimilarity, 300)]
    [InlineData(DistanceFunction.EuclideanDistance, 3)]
    [InlineData(DistanceFunction.EuclideanDistance, 300)]
    public void EveryRowsRankLiesWithinItsBounds(string function, int dims)
    {
        bool euclidean = function == DistanceFunction.EuclideanDistance;
        var rng = new Random(dims);
        var screen = new ScreenedRows(dims, euclidean);
        var rows = Rows(rng, 2_000, dims, adversarial: true).Select(r => r.Vector).ToArray();
        for (int slot = 0; slot < rows.Length; slot++)
        {
            screen.Set(slot, rows[slot]);
        }
        int bounded = 0;
        for (int q = 0; q < 20; q++)
        {
            var query = q % 2 == 0 ? rows[rng.Next(rows.Length)] : Row(rng, dims, adversarial: true, NoRows);
            for (int slot = 0; slot < rows.Length; slot++)
            {
                var (isBounded, lower, upper) = screen.RankKeyBounds(query, slot);
                if (!isBounded)
                {
                    continue;
                }
                bounded++;
                // The key the screen bounds: the float32 dot product, or −fl(distance)² (same order as −distance).
                double key = euclidean ? -(double)TensorPrimitives.Distance(query, rows[slot]) * TensorPrimitives.Distance(query, rows[slot]) : TensorPrimitives.Dot(query, rows[slot]);
                Assert.True(lower <= key && key <= upper, $"query {q}, slot {slot}: {key} outside [{lower}, {upper}]; query [{string.Join(", ", query.Take(5))}], row [{string.Join(", ", rows[slot].Take(5))}]");
            }
        }
        Assert.True(bounded > 20 * rows.Length / 2, $"only {bounded} rows were bounded");
    }

    /// <summary>The rows as the index keeps them (cosine rows made unit length the same way) and a float32 full scan over them.</summary>
    private sealed class Model(VectorIndex index)
    {
        public Dictionary<long, float[]> Vectors { get; } = [];

        public void Set(long id, float[] vector)
        {
            index.Set(id, vector);
            var stored = vector.ToArray();
            if (index.Kind is ScoreKind.CosineSimilarity or ScoreKind.CosineDistance)
            {
                var norm = TensorPrimitives.Norm(stored);
                if (norm > 0)
                {
                    TensorPrimitives.Divide(stored, norm, stored);
                }
            }
            Vectors[id] = stored;
        }

        public void Remove(long id)
        {
            index.Remove(id);
            Vectors.Remove(id);
        }

        public void Clear()
        {
            index.Clear();
            Vectors.Clear();
        }

        public void CheckQueries(Random rng, int queries, bool onlyFiltered = false)
        {
            var ids = Vectors.Keys.ToArray();
            for (int q = 0; q < queries; q++)
            {
                // Stored rows (exact matches and duplicates tie), their negations, random directions and the zero vector.
                float[] query = q switch
                {
                    0 => new float[index.Dimensions],
                    _ when q % 3 == 1 => Vectors[ids[rng.Next(ids.Length)]].ToArray(),
                    _ when q % 3 == 2 => Vectors[ids[rng.Next(ids.Length)]].Select(x => -x * 3).ToArray(),
                    _ => Row(rng, index.Dimensions, adversarial: false, NoRows),
                };
                int top = q % 4 == 0 ? 1 : q % 4 == 1 ? 10 : q % 4 == 2 ? 37 : Math.Max(1, ids.Length / 2);
                if (!onlyFiltered)
                {
                    Check(query, top, candidates: null);
                }
                // A filter's candidates: some live ids, some that were never stored or were removed.
                var candidates = Enumerable.Range(0, 200).Select(_ => (long)rng.Next(1, 4_000)).Distinct().ToList();
                Check(query, top, candidates);
            }
        }

        public void Check(float[] query, int top, IReadOnlyCollection<long>? candidates)
        {
            var q = query.ToArray();
            var queryNorm = TensorPrimitives.Norm(q);
            if (index.Kind is ScoreKind.CosineSimilarity or ScoreKind.CosineDistance && queryNorm > 0)
            {
                TensorPrimitives.Divide(q, queryNorm, q);
            }
            var expected = Vectors
                .Where(pair => candidates is null || candidates.Contains(pair.Key))
                .Select(pair => (Id: pair.Key, Rank: index.Kind is ScoreKind.Euclidean or ScoreKind.EuclideanSquared
                    ? -TensorPrimitives.Distance(q, pair.Value)
                    : TensorPrimitives.Dot(q, pair.Value)))
                .Where(r => !float.IsNaN(r.Rank))
                .OrderByDescending(r => r.Rank).ThenBy(r => r.Id)
                .Take(top)
                .Select(r => (r.Id, Score: index.Kind switch
                {
                    ScoreKind.CosineDistance => 1.0 - r.Rank,
                    ScoreKind.Euclidean => -r.Rank,
                    ScoreKind.EuclideanSquared => (double)r.Rank * r.Rank,
                    _ => r.Rank,
                }))
                .ToList();
            var actual = index.Search(query, top, candidates, threshold: null);
            Assert.Equal(expected.Count, actual.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                // Bit-identical scores, not merely close ones.
                Assert.True(expected[i].Id == actual[i].Id && BitConverter.DoubleToInt64Bits(expected[i].Score) == BitConverter.DoubleToInt64Bits(actual[i].Score),
                    $"{index.Kind}, {index.Dimensions} dims, top {top}, result {i}: expected ({expected[i].Id}, {expected[i].Score:R}) but got ({actual[i].Id}, {actual[i].Score:R})");
            }
        }
    }

    private static readonly Dictionary<long, float[]> NoRows = [];

    private static IEnumerable<(long Id, float[] Vector)> Rows(Random rng, int count, int dims, bool adversarial)
    {
        var made = new Dictionary<long, float[]>();
        for (long id = 1; id <= count; id++)
        {
            made[id] = Row(rng, dims, adversarial, made);
            yield return (id, made[id]);
        }
    }

    /// <summary>
    /// A random row, or (adversarial) one of: a copy of an earlier row, a copy one ulp away, a zero vector, small integers
    /// (exact dot products: many exact ties), a one-hot row, a huge or tiny multiple, a row large enough to overflow
    /// float32 arithmetic, or a row holding NaN or infinity.
    /// </summary>
    private static float[] Row(Random rng, int dims, bool adversarial, IReadOnlyDictionary<long, float[]> earlier)
    {
        var random = Gaussian(rng, dims, 1);
        if (!adversarial)
        {
            return random;
        }
        int kind = rng.Next(20);
        switch (kind)
        {
            case 0 or 1 or 2 when earlier.Count > 0:
                var copy = earlier.ElementAt(rng.Next(earlier.Count)).Value.ToArray();
                if (kind == 2)
                {
                    var at = rng.Next(dims);
                    copy[at] = MathF.BitIncrement(copy[at]);
                }
                return copy;
            case 3:
                return new float[dims];
            case 4 or 5 or 6:
                return Enumerable.Range(0, dims).Select(_ => (float)rng.Next(-2, 3)).ToArray();
            case 7:
                var oneHot = new float[dims];
                oneHot[rng.Next(dims)] = rng.Next(2) == 0 ? 1 : -2;
                return oneHot;
            case 8:
                return random.Select(x => x * 1e15f).ToArray();
            case 9:
                return random.Select(x => x * 1e-15f).ToArray();
            case 10:
                return random.Select(x => x * 1e-30f).ToArray();
            case 11:
                return random.Select(x => x * 3e19f).ToArray();
            case 12:
                random[rng.Next(dims)] = rng.Next(3) switch { 0 => float.NaN, 1 => float.PositiveInfinity, _ => float.NegativeInfinity };
                return random;
            default:
                // Mostly ordinary rows of varied length.
                return random.Select(x => x * (float)(0.1 + 3 * rng.NextDouble())).ToArray();
        }
    }

    private static float[] Gaussian(Random rng, int dims, float sigma) =>
        Enumerable.Range(0, dims).Select(_ => sigma * (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()))).ToArray();
}
