using System.Diagnostics;
using System.Numerics.Tensors;

namespace Manabi.Vectors;

public sealed unsafe partial class VectorStore
{
    /// <summary>Default effort of approximate searches: explores about 100 candidates (see <see cref="EfFor"/>).</summary>
    public const double DefaultEffort = 0.1;

    /// <summary>Scores one stored unit vector against a query.</summary>
    private delegate float RowScorer(ReadOnlySpan<float> row);

    /// <summary>Cosine similarity of two keys (either may be out of vocabulary).</summary>
    public float Similarity(string a, string b) => TensorPrimitives.Dot(GetVector(a), GetVector(b));

    /// <summary>Cosine similarities of a key to each of several keys.</summary>
    public float[] Similarity(string key, IReadOnlyList<string> others)
    {
        ArgumentNullException.ThrowIfNull(others);
        float[] v = GetVector(key);
        return [.. others.Select(o => TensorPrimitives.Dot(v, GetVector(o)))];
    }

    /// <summary>The candidate most similar to a key.</summary>
    public string MostSimilarToGiven(string key, IReadOnlyList<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count == 0)
        {
            throw new ArgumentException("no candidates given.", nameof(candidates));
        }
        float[] s = Similarity(key, candidates);
        return candidates[TensorPrimitives.IndexOfMax(s)];
    }

    /// <summary>The key that fits the others least: farthest from the normalized mean of their unit vectors.</summary>
    public string DoesntMatch(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            throw new ArgumentException("no keys given.", nameof(keys));
        }
        float[,] vectors = Query(keys);
        var mean = new float[Dimensions];
        var row = new float[Dimensions];
        for (int i = 0; i < keys.Count; i++)
        {
            for (int d = 0; d < Dimensions; d++)
            {
                mean[d] += vectors[i, d];
            }
        }
        Normalize(mean);
        int worst = 0;
        float worstSim = float.PositiveInfinity;
        for (int i = 0; i < keys.Count; i++)
        {
            for (int d = 0; d < Dimensions; d++)
            {
                row[d] = vectors[i, d];
            }
            float s = TensorPrimitives.Dot(mean, row);
            if (s < worstSim)
            {
                worstSim = s;
                worst = i;
            }
        }
        return keys[worst];
    }

    /// <summary>The stored keys more similar to <paramref name="key"/> than <paramref name="other"/> is, most similar first.</summary>
    public IReadOnlyList<Neighbor> CloserThan(string key, string other)
    {
        float[] v = GetVector(key);
        float threshold = TensorPrimitives.Dot(v, GetVector(other));
        int self = IndexOf(key), otherRow = IndexOf(other);
        var bag = new System.Collections.Concurrent.ConcurrentBag<(float Score, int Row)>();
        ScanRows(row => TensorPrimitives.Dot(v, row), (score, r) =>
        {
            if (score > threshold && r != self && r != otherRow)
            {
                bag.Add((score, r));
            }
        });
        return [.. bag.OrderByDescending(x => x.Score).ThenBy(x => x.Row).Select(x => new Neighbor(GetKey(x.Row), x.Row, x.Score))];
    }

    /// <summary>The <paramref name="top"/> stored keys nearest a key (itself excluded), exact or approximate.</summary>
    /// <param name="key">Any key; out-of-vocabulary keys use their generated vector.</param>
    /// <param name="top">How many neighbours.</param>
    /// <param name="approximate">Use the HNSW graph (requires <see cref="HasApproximateIndex"/>).</param>
    /// <param name="effort">Approximate search effort in (0, 1]: more is slower and more accurate.</param>
    public IReadOnlyList<Neighbor> MostSimilar(string key, int top = 10, bool approximate = false, double effort = DefaultEffort) =>
        MostSimilar([key], [], top, AnalogyMethod.CosAdd, approximate, effort);

    /// <summary>
    /// Analogy-style neighbours: near the <paramref name="positive"/> keys and far from the <paramref name="negative"/>
    /// ones (e.g. positive king, woman; negative man), the query keys excluded.
    /// </summary>
    /// <param name="positive">Keys to be near.</param>
    /// <param name="negative">Keys to be far from.</param>
    /// <param name="top">How many neighbours.</param>
    /// <param name="method">3CosAdd or 3CosMul (3CosMul is always exact).</param>
    /// <param name="approximate">Use the HNSW graph for 3CosAdd.</param>
    /// <param name="effort">Approximate search effort in (0, 1].</param>
    public IReadOnlyList<Neighbor> MostSimilar(IEnumerable<string> positive, IEnumerable<string> negative, int top = 10,
        AnalogyMethod method = AnalogyMethod.CosAdd, bool approximate = false, double effort = DefaultEffort)
    {
        ArgumentNullException.ThrowIfNull(positive);
        ArgumentNullException.ThrowIfNull(negative);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        string[] pos = [.. positive], neg = [.. negative];
        if (pos.Length + neg.Length == 0)
        {
            throw new ArgumentException("give at least one positive or negative key.", nameof(positive));
        }
        var exclude = new HashSet<int>(pos.Concat(neg).Select(IndexOf).Where(r => r >= 0));
        float[][] pv = [.. pos.Select(k => GetVector(k))], nv = [.. neg.Select(k => GetVector(k))];
        if (method == AnalogyMethod.CosMul)
        {
            const float epsilon = 1e-6f;
            var hits = ScanTopK(top + exclude.Count, row =>
            {
                float score = 1;
                foreach (float[] p in pv)
                {
                    score *= (1 + TensorPrimitives.Dot(p, row)) / 2;
                }
                float below = 1;
                foreach (float[] n in nv)
                {
                    below *= (1 + TensorPrimitives.Dot(n, row)) / 2;
                }
                return score / (below + epsilon);
            });
            return ToNeighbors(hits, exclude, top);
        }
        var query = new float[Dimensions];
        foreach (float[] p in pv)
        {
            TensorPrimitives.Add(query, p, query);
        }
        foreach (float[] n in nv)
        {
            TensorPrimitives.Subtract(query, n, query);
        }
        Normalize(query);
        return MostSimilar(query, top, exclude, approximate, effort);
    }

    /// <summary>The <paramref name="top"/> stored keys nearest a vector (normalized first), exact or approximate.</summary>
    public IReadOnlyList<Neighbor> MostSimilar(ReadOnlySpan<float> vector, int top = 10, IReadOnlySet<int>? excludeRows = null, bool approximate = false, double effort = DefaultEffort)
    {
        if (vector.Length != Dimensions)
        {
            throw new ArgumentException($"the vector has {vector.Length} values; the store has {Dimensions} dimensions.", nameof(vector));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        float[] q = vector.ToArray();
        Normalize(q);
        int extra = excludeRows?.Count ?? 0;
        (float Score, int Row)[] hits = approximate
            ? ApproximateTopK(q, top + extra, effort)
            : ScanTopKDot(q, top + extra);
        return ToNeighbors(hits, excludeRows, top);
    }

    /// <summary>
    /// Candidates the HNSW search explores for an effort in (0, 1]: max(top, ceil(effort * 1000)); effort 1 explores 1000.
    /// </summary>
    public static int EfFor(int top, double effort)
    {
        if (!(effort > 0) || effort > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(effort), effort, "effort must be in (0, 1].");
        }
        return Math.Max(top, (int)Math.Ceiling(effort * 1000));
    }

    /// <summary>
    /// Measures recall@<paramref name="top"/> of approximate against exact search for <paramref name="queries"/> stored
    /// keys drawn with a fixed seed, and the median time of each.
    /// </summary>
    public RecallReport MeasureApproximateRecall(int queries = 100, int top = 10, double effort = DefaultEffort, ulong seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queries);
        var rng = new SplitMix64(seed);
        var exactTimes = new List<double>();
        var approxTimes = new List<double>();
        double recall = 0;
        var vector = new float[Dimensions];
        for (int i = 0; i < queries; i++)
        {
            int row = (int)(rng.Next() % (ulong)Count);
            ReadUnit(row, vector);
            var exclude = new HashSet<int> { row };
            long t0 = Stopwatch.GetTimestamp();
            var exact = MostSimilar(vector, top, exclude);
            long t1 = Stopwatch.GetTimestamp();
            var approx = MostSimilar(vector, top, exclude, approximate: true, effort: effort);
            long t2 = Stopwatch.GetTimestamp();
            exactTimes.Add(t1 - t0);
            approxTimes.Add(t2 - t1);
            var truth = exact.Select(n => n.Index).ToHashSet();
            recall += approx.Count(n => truth.Contains(n.Index)) / (double)Math.Max(1, exact.Count);
        }
        return new RecallReport(queries, top, effort, recall / queries,
            Stopwatch.GetElapsedTime(0, (long)Median(exactTimes)), Stopwatch.GetElapsedTime(0, (long)Median(approxTimes)));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    internal static void Normalize(Span<float> v)
    {
        float norm = TensorPrimitives.Norm(v);
        if (norm > 0)
        {
            TensorPrimitives.Divide(v, norm, v);
        }
    }

    private List<Neighbor> ToNeighbors((float Score, int Row)[] hits, IReadOnlySet<int>? exclude, int top) =>
        [.. hits.Where(h => exclude is null || !exclude.Contains(h.Row)).Take(top).Select(h => new Neighbor(GetKey(h.Row), h.Row, h.Score))];

    private (float Score, int Row)[] ApproximateTopK(float[] query, int k, double effort)
    {
        if (!HasApproximateIndex)
        {
            throw new InvalidOperationException($"{Path} has no approximate index; convert it with BuildApproximateIndex (--approx).");
        }
        return HnswSearcher.Search(this, query, k, EfFor(k, effort));
    }

    /// <summary>Exact top-k over all rows: SIMD dot products in parallel row blocks, a k-heap per block, then a merge.</summary>
    private (float Score, int Row)[] ScanTopK(int k, RowScorer scorer) =>
        RowBlocks.TopK(Count, k, 4096, 8, (start, end, heap) => ScanBlock(start, end, scorer, heap.Add)).Sorted();

    [ThreadStatic]
    private static int t_lastRescored;

    /// <summary>
    /// Rows the last exact cosine search on the calling thread rescored in float32 after int8 screening; -1 when it
    /// scanned every float32 row. A diagnostic for benchmarks: the fewer, the less memory the search read.
    /// </summary>
    public static int LastExactSearchRescored { get => t_lastRescored; private set => t_lastRescored = value; }

    /// <summary>The plain cosine scan: a tight loop over float32 rows with a per-block heap and threshold check.</summary>
    private (float Score, int Row)[] ScanTopKDot(float[] query, int k)
    {
        if (_options.UseScreeningCopy && (HasScreeningCopy || DType == VectorDType.Int8))
        {
            (float Score, int Row)[] screened = ScreeningCopy.TopK(this, query, k, out int rescored);
            LastExactSearchRescored = rescored;
            return screened;
        }
        LastExactSearchRescored = -1;
        if (DType != VectorDType.Float32)
        {
            return ScanTopK(k, row => TensorPrimitives.Dot(query, row));
        }
        int dims = Dimensions, stride = RowStride;
        nint vectors = (nint)(_base + _header.SectionOffsets[(int)StoreSection.Vectors]);
        return RowBlocks.TopK(Count, k, 4096, 4, (start, end, heap) =>
        {
            float threshold = float.NegativeInfinity;
            byte* row = (byte*)vectors + (long)start * stride;
            for (int r = start; r < end; r++, row += stride)
            {
                float s = TensorPrimitives.Dot(query, new ReadOnlySpan<float>(row, dims));
                if (s > threshold)
                {
                    heap.Add(s, r);
                    threshold = heap.Threshold;
                }
            }
        }).Sorted();
    }

    private void ScanRows(RowScorer scorer, Action<float, int> sink) =>
        RowBlocks.For(Count, 4096, 8, (start, end) => ScanBlock(start, end, scorer, sink));

    /// <summary>Scores rows [start, end) of any dtype (int8 rows are decoded into a scratch row) into <paramref name="sink"/>.</summary>
    private void ScanBlock(int start, int end, RowScorer scorer, Action<float, int> sink)
    {
        if (DType == VectorDType.Float32)
        {
            for (int row = start; row < end; row++)
            {
                sink(scorer(RowFloat32(row)), row);
            }
            return;
        }
        var buffer = new float[Dimensions];
        for (int row = start; row < end; row++)
        {
            ReadUnit(row, buffer);
            sink(scorer(buffer), row);
        }
    }
}
