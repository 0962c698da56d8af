using Manabi.Numerics.Metrics;

namespace Manabi.Numerics.Tests.Metrics;

public sealed class RetrievalMetricsTests
{
    /// <summary>
    /// Points on a line, Euclidean. Neighbour classes by rank for each query (the lone class C point at 50 is never
    /// within reach and is left out as a query):
    ///   x=0   (A, R=2): A B A B  → P@1 1, R@1 1, R@2 1, AP@R (1 + 0)/2 = 0.5
    ///   x=1   (A, R=2): A B A B  → P@1 1, R@1 1, R@2 1, AP@R 0.5
    ///   x=2.2 (B, R=1): A A A B  → P@1 0, R@1 0, R@2 0, R@3 0, AP@R 0
    ///   x=3.5 (A, R=2): B A A B  → P@1 0, R@1 0, R@2 1, AP@R (0 + 1/2)/2 = 0.25
    ///   x=10  (B, R=1): A B A A  → P@1 0, R@1 0, R@2 1, AP@R 0
    /// so P@1 = 2/5, Recall@1 = 2/5, Recall@2 = 4/5, Recall@3 = 4/5 and MAP@R = 1.25/5 = 0.25.
    /// </summary>
    [Fact]
    public void A_hand_checked_line_of_points()
    {
        float[] embeddings = [0f, 1f, 2.2f, 3.5f, 10f, 50f];
        int[] labels = [0, 0, 1, 0, 1, 2];
        RetrievalResult result = RetrievalMetrics.Evaluate(embeddings, 1, labels, [1, 2, 3], RetrievalDistance.Euclidean);
        Assert.Equal(0.4, result.PrecisionAt1, 1e-12);
        Assert.Equal(0.4, result.RecallAtK[1], 1e-12);
        Assert.Equal(0.8, result.RecallAtK[2], 1e-12);
        Assert.Equal(0.8, result.RecallAtK[3], 1e-12);
        Assert.Equal(0.25, result.MapAtR, 1e-12);
    }

    /// <summary>
    /// Musgrave et al.'s example: a query with R = 10 whose 1st and 3rd neighbours are relevant has
    /// AP@R = (1/10)(1 + 2/3) = 1/6. Query x=0 of class A: A at 1 and 3, B at 2.1 and 4..11.5, the other eight A far
    /// off. Offsets k + k²/100 keep every distance distinct, so no ranking depends on how ties are broken.
    /// </summary>
    [Fact]
    public void Musgrave_map_at_r_example()
    {
        var points = new List<float> { 0f, 1f, 3f };
        var labels = new List<int> { 0, 0, 0 };
        points.AddRange(Enumerable.Range(0, 8).Select(k => 100f + k + k * k / 100f));
        labels.AddRange(Enumerable.Repeat(0, 8));
        points.Add(2.1f);
        points.AddRange(Enumerable.Range(0, 8).Select(k => 4f + k + k * k / 100f));
        labels.AddRange(Enumerable.Repeat(1, 9));
        float[] values = [.. points];
        var (_, _, perQuery) = Naive(values, 1, labels, [1], RetrievalDistance.Euclidean);
        Assert.Equal(1.0 / 6.0, perQuery[0], 1e-12);

        RetrievalResult result = RetrievalMetrics.Evaluate(values, 1, labels, [1], RetrievalDistance.Euclidean);
        Assert.Equal(perQuery.Average(), result.MapAtR, 1e-12);
    }

    [Theory]
    [InlineData(RetrievalDistance.Cosine)]
    [InlineData(RetrievalDistance.Euclidean)]
    public void Random_embeddings_match_a_naive_double_loop(RetrievalDistance distance)
    {
        const int dimension = 12;
        var (values, labels) = Clusters(300, dimension, classes: 7, separation: 1.5f, noise: 1f, seed: 11);
        // Two lone points (classes 100 and 101) that must be left out as queries.
        labels[3] = 100;
        labels[4] = 101;
        int[] ks = [1, 2, 5, 10];
        var (precisionAt1, recall, perQuery) = Naive(values, dimension, labels, ks, distance);
        RetrievalResult result = RetrievalMetrics.Evaluate(values, dimension, labels, ks, distance);
        Assert.Equal(precisionAt1, result.PrecisionAt1, 1e-12);
        foreach (int k in ks)
        {
            Assert.Equal(recall[k], result.RecallAtK[k], 1e-12);
        }
        Assert.Equal(perQuery.Where(v => !double.IsNaN(v)).Average(), result.MapAtR, 1e-9);
        // Not trivially 0 or 1: the check means something.
        Assert.InRange(result.MapAtR, 0.05, 0.95);
    }

    [Theory]
    [InlineData(RetrievalDistance.Cosine)]
    [InlineData(RetrievalDistance.Euclidean)]
    public void Chunked_queries_give_the_same_figures_as_one_block(RetrievalDistance distance)
    {
        // A budget of 3,000 similarities makes chunks of 7 rows out of 400 (the last one short), each cut across
        // query blocks of 16; the default budget holds all 400 rows in one chunk.
        const int dimension = 8;
        var (values, labels) = Clusters(400, dimension, classes: 9, separation: 2f, noise: 1f, seed: 12);
        RetrievalResult whole = RetrievalMetrics.Evaluate(values, dimension, labels, [1, 4], distance);
        RetrievalResult chunked = RetrievalMetrics.Evaluate(values, dimension, labels, [1, 4], distance, chunkElementBudget: 3000);
        var (precisionAt1, recall, perQuery) = Naive(values, dimension, labels, [1, 4], distance);
        Assert.Equal(whole, chunked with { RecallAtK = whole.RecallAtK });
        Assert.Equal(whole.RecallAtK, chunked.RecallAtK);
        Assert.Equal(precisionAt1, chunked.PrecisionAt1, 1e-12);
        Assert.Equal(recall[4], chunked.RecallAtK[4], 1e-12);
        Assert.Equal(perQuery.Average(), chunked.MapAtR, 1e-9);
    }

    /// <summary>
    /// x = 0, 1, −1: the query at 0 has both others at distance 1 exactly, and the lower index (1) must rank first.
    /// With labels [0, 1, 0] that neighbour is of another class (P@1 of query 0 is 0; query 2's nearest is 0, a hit),
    /// with [0, 0, 1] it is of the same class (both queries hit).
    /// </summary>
    [Fact]
    public void Exact_ties_go_to_the_lower_index()
    {
        float[] embeddings = [0f, 1f, -1f];
        Assert.Equal(0.5, RetrievalMetrics.Evaluate(embeddings, 1, [0, 1, 0], [1], RetrievalDistance.Euclidean).PrecisionAt1, 1e-12);
        Assert.Equal(1.0, RetrievalMetrics.Evaluate(embeddings, 1, [0, 0, 1], [1], RetrievalDistance.Euclidean).PrecisionAt1, 1e-12);
        // Cosine: row 0 is orthogonal to rows 1 and 2 (a tie, so row 1 of its class comes first: a hit); row 1's
        // nearest is row 2, of the other class (a miss); row 2 is lone.
        float[] directions = [1f, 0f, 0f, 1f, 0f, 2f];
        Assert.Equal(0.5, RetrievalMetrics.Evaluate(directions, 2, [0, 0, 1], [1]).PrecisionAt1, 1e-12);
    }

    [Fact]
    public void Equal_ks_are_reported_once_and_the_result_is_repeatable()
    {
        var (values, labels) = Clusters(200, 5, classes: 4, separation: 1f, noise: 1f, seed: 3);
        RetrievalResult first = RetrievalMetrics.Evaluate(values, 5, labels, [4, 1, 4]);
        RetrievalResult second = RetrievalMetrics.Evaluate(values, 5, labels, [4, 1, 4]);
        Assert.Equal([1, 4], first.RecallAtK.Keys.Order());
        Assert.Equal(first.PrecisionAt1, second.PrecisionAt1);
        Assert.Equal(first.MapAtR, second.MapAtR);
    }

    [Fact]
    public void Bad_input_is_rejected()
    {
        var embeddings = new float[8];
        var k = Assert.Throws<ArgumentException>(() => RetrievalMetrics.Evaluate(embeddings, 2, [0, 0, 1, 1], [1, 4]));
        Assert.Equal("ks", k.ParamName);
        Assert.Contains("ks[1] is 4", k.Message, StringComparison.Ordinal);
        var lone = Assert.Throws<ArgumentException>(() => RetrievalMetrics.Evaluate(embeddings, 2, [0, 1, 2, 3], [1]));
        Assert.Equal("labels", lone.ParamName);
        var count = Assert.Throws<ArgumentException>(() => RetrievalMetrics.Evaluate(embeddings, 2, [0, 0, 1], [1]));
        Assert.Equal("labels", count.ParamName);
        Assert.Throws<ArgumentNullException>(() => RetrievalMetrics.Evaluate(embeddings, 2, [0, 0, 1, 1], null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => RetrievalMetrics.Evaluate(embeddings, 0, [0, 0, 1, 1], [1]));
        var ragged = Assert.Throws<ArgumentException>(() => RetrievalMetrics.Evaluate(embeddings, 3, [0, 0], [1]));
        Assert.Equal("embeddings", ragged.ParamName);
        var single = Assert.Throws<ArgumentException>(() => RetrievalMetrics.Evaluate(embeddings, 8, [0], [1]));
        Assert.Contains("at least 2 row(s)", single.Message, StringComparison.Ordinal);
        var distance = Assert.Throws<ArgumentException>(() => RetrievalMetrics.Evaluate(embeddings, 2, [0, 0, 1, 1], [1], (RetrievalDistance)7));
        Assert.Equal("distance", distance.ParamName);
        float[] nan = [0f, 0f, 1f, 1f, 2f, float.NaN, 3f, 3f];
        var finite = Assert.Throws<ArgumentException>(() => RetrievalMetrics.Evaluate(nan, 2, [0, 0, 1, 1], [1]));
        Assert.Contains("row 2 contains a NaN", finite.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The definitions, one query and one candidate at a time in double precision: candidates sorted by similarity
    /// (cosine, or negative Euclidean distance; ties put the lower index first), lone queries
    /// skipped. Returns P@1, Recall@k and each query's AP@R (NaN for a lone query).
    /// </summary>
    private static (double PrecisionAt1, Dictionary<int, double> Recall, double[] PerQuery) Naive(
        float[] values, int dimension, IReadOnlyList<int> labels, int[] ks, RetrievalDistance distance)
    {
        int n = values.Length / dimension;
        var rows = Enumerable.Range(0, n)
            .Select(i => values.Skip(i * dimension).Take(dimension).Select(v => (double)v).ToArray()).ToArray();
        double hits1 = 0;
        var recallHits = ks.ToDictionary(k => k, _ => 0.0);
        var perQuery = new double[n];
        int queries = 0;
        for (int q = 0; q < n; q++)
        {
            int relevant = labels.Count(l => l == labels[q]) - 1;
            if (relevant == 0)
            {
                perQuery[q] = double.NaN;
                continue;
            }
            queries++;
            var scores = new double[n];
            var others = new int[n - 1];
            for (int c = 0, o = 0; c < n; c++)
            {
                scores[c] = Similarity(rows[q], rows[c], distance);
                if (c != q)
                {
                    others[o++] = c;
                }
            }
            Array.Sort(others, (a, b) => scores[a] != scores[b] ? scores[b].CompareTo(scores[a]) : a.CompareTo(b));
            var match = new bool[n - 1];
            for (int i = 0; i < match.Length; i++)
            {
                match[i] = labels[others[i]] == labels[q];
            }
            hits1 += match[0] ? 1 : 0;
            foreach (int k in ks)
            {
                recallHits[k] += Array.IndexOf(match, true, 0, k) >= 0 ? 1 : 0;
            }
            double sum = 0;
            int found = 0;
            for (int i = 0; i < relevant; i++)
            {
                if (match[i])
                {
                    found++;
                    sum += (double)found / (i + 1);
                }
            }
            perQuery[q] = sum / relevant;
        }
        return (hits1 / queries, recallHits.ToDictionary(p => p.Key, p => p.Value / queries), perQuery);
    }

    private static double Similarity(double[] a, double[] b, RetrievalDistance distance)
    {
        double dot = 0, aa = 0, bb = 0, squared = 0;
        for (int j = 0; j < a.Length; j++)
        {
            dot += a[j] * b[j];
            aa += a[j] * a[j];
            bb += b[j] * b[j];
            squared += (a[j] - b[j]) * (a[j] - b[j]);
        }
        return distance == RetrievalDistance.Cosine ? dot / Math.Sqrt(aa * bb) : -Math.Sqrt(squared);
    }

    /// <summary>
    /// Gaussian clusters drawn with System.Random (Box–Muller), row-major: row i belongs to class i % classes,
    /// centred at separation · e_class, unit noise times <paramref name="noise"/>.
    /// </summary>
    private static (float[] Values, int[] Labels) Clusters(int rows, int columns, int classes, float separation, float noise, int seed)
    {
        var random = new Random(seed);
        var values = new float[rows * columns];
        var labels = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            labels[i] = i % classes;
            for (int j = 0; j < columns; j++)
            {
                double u = 1.0 - random.NextDouble();
                float gaussian = (float)(Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * random.NextDouble()));
                values[i * columns + j] = gaussian * noise + (j == labels[i] ? separation : 0f);
            }
        }
        return (values, labels);
    }
}
