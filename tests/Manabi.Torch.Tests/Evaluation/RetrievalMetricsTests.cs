using Manabi.Torch.Evaluation;
using Manabi.Torch.Runtime;
using static TorchSharp.torch;

namespace Manabi.Torch.Tests.Evaluation;

public sealed class RetrievalMetricsTests
{
    public RetrievalMetricsTests() => TorchRuntime.EnsureLoaded();

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
        using var embeddings = tensor(new float[] { 0f, 1f, 2.2f, 3.5f, 10f, 50f }, [6, 1]);
        int[] labels = [0, 0, 1, 0, 1, 2];
        RetrievalResult result = RetrievalMetrics.Evaluate(embeddings, labels, [1, 2, 3], EmbeddingDistance.Euclidean);
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
        float[,] values = new float[points.Count, 1];
        for (int i = 0; i < points.Count; i++)
        {
            values[i, 0] = points[i];
        }
        var (_, _, perQuery) = BruteForce(values, labels, [1], EmbeddingDistance.Euclidean);
        Assert.Equal(1.0 / 6.0, perQuery[0], 1e-12);

        using var embeddings = EvaluationData.ToTensor(values);
        RetrievalResult result = RetrievalMetrics.Evaluate(embeddings, labels, [1], EmbeddingDistance.Euclidean);
        Assert.Equal(perQuery.Average(), result.MapAtR, 1e-12);
    }

    [Theory]
    [InlineData(EmbeddingDistance.Cosine)]
    [InlineData(EmbeddingDistance.Euclidean)]
    public void Random_embeddings_match_a_brute_force_double_loop(EmbeddingDistance distance)
    {
        var (values, labels) = EvaluationData.Clusters(300, 12, classes: 7, separation: 1.5f, noise: 1f, seed: 11);
        // Two lone points (classes 100 and 101) that must be left out as queries.
        labels[3] = 100;
        labels[4] = 101;
        int[] ks = [1, 2, 5, 10];
        var (precisionAt1, recall, perQuery) = BruteForce(values, labels, ks, distance);
        using var embeddings = EvaluationData.ToTensor(values);
        RetrievalResult result = RetrievalMetrics.Evaluate(embeddings, labels, ks, distance);
        Assert.Equal(precisionAt1, result.PrecisionAt1, 1e-12);
        foreach (int k in ks)
        {
            Assert.Equal(recall[k], result.RecallAtK[k], 1e-12);
        }
        Assert.Equal(perQuery.Where(v => !double.IsNaN(v)).Average(), result.MapAtR, 1e-9);
        // Not trivially 0 or 1: the check means something.
        Assert.InRange(result.MapAtR, 0.05, 0.95);
    }

    [Fact]
    public void Chunked_queries_give_the_same_figures_as_one_block()
    {
        // 4,500 rows make the similarity block exceed one chunk (16M elements / 4500 ≈ 3728 rows a chunk).
        var (values, labels) = EvaluationData.Clusters(4500, 8, classes: 20, separation: 2f, noise: 1f, seed: 12);
        using var embeddings = EvaluationData.ToTensor(values);
        RetrievalResult chunked = RetrievalMetrics.Evaluate(embeddings, labels, [1, 4]);
        var (precisionAt1, recall, perQuery) = BruteForce(values, labels, [1, 4], EmbeddingDistance.Cosine);
        Assert.Equal(precisionAt1, chunked.PrecisionAt1, 1e-3);
        Assert.Equal(recall[4], chunked.RecallAtK[4], 1e-3);
        Assert.Equal(perQuery.Average(), chunked.MapAtR, 1e-3);
    }

    [Fact]
    public void Bad_input_is_rejected()
    {
        using var embeddings = zeros(4, 2);
        var k = Assert.Throws<ArgumentException>(() => RetrievalMetrics.Evaluate(embeddings, [0, 0, 1, 1], [1, 4]));
        Assert.Equal("ks", k.ParamName);
        Assert.Contains("ks[1] is 4", k.Message, StringComparison.Ordinal);
        var lone = Assert.Throws<ArgumentException>(() => RetrievalMetrics.Evaluate(embeddings, [0, 1, 2, 3], [1]));
        Assert.Equal("labels", lone.ParamName);
        Assert.Throws<ArgumentException>(() => RetrievalMetrics.Evaluate(embeddings, [0, 0, 1], [1]));
    }

    /// <summary>
    /// The definitions, one query and one candidate at a time in double precision: candidates sorted by similarity
    /// (cosine, or negative Euclidean distance), lone queries skipped. Returns P@1, Recall@k and each query's AP@R
    /// (NaN for a lone query).
    /// </summary>
    private static (double PrecisionAt1, Dictionary<int, double> Recall, double[] PerQuery) BruteForce(
        float[,] values, IReadOnlyList<int> labels, int[] ks, EmbeddingDistance distance)
    {
        int n = values.GetLength(0);
        var rows = Enumerable.Range(0, n).Select(i => EvaluationData.Row(values, i)).ToArray();
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
            var ranked = new List<(double Score, int Index)>();
            for (int c = 0; c < n; c++)
            {
                if (c != q)
                {
                    ranked.Add((Similarity(rows[q], rows[c], distance), c));
                }
            }
            bool[] match = ranked.OrderByDescending(r => r.Score).Select(r => labels[r.Index] == labels[q]).ToArray();
            hits1 += match[0] ? 1 : 0;
            foreach (int k in ks)
            {
                recallHits[k] += match.Take(k).Any(m => m) ? 1 : 0;
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

    private static double Similarity(double[] a, double[] b, EmbeddingDistance distance)
    {
        double dot = 0, aa = 0, bb = 0, squared = 0;
        for (int j = 0; j < a.Length; j++)
        {
            dot += a[j] * b[j];
            aa += a[j] * a[j];
            bb += b[j] * b[j];
            squared += (a[j] - b[j]) * (a[j] - b[j]);
        }
        return distance == EmbeddingDistance.Cosine ? dot / Math.Sqrt(aa * bb) : -Math.Sqrt(squared);
    }
}
