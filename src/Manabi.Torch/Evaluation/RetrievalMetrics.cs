using static TorchSharp.torch;

namespace Manabi.Torch.Evaluation;

/// <summary>
/// Retrieval metrics of metric learning: every embedding is a query against all the others (itself excluded).
/// Queries whose class has no other member cannot retrieve anything relevant and are left out of every figure,
/// as pytorch-metric-learning's AccuracyCalculator leaves out "lone" queries.
/// </summary>
public static class RetrievalMetrics
{
    // Elements of one chunk's similarity block (~64 MB of float32), which bounds memory for large n.
    private const long ChunkElementBudget = 16L << 20;

    /// <summary>
    /// Precision@1, Recall@k and MAP@R of leave-one-out retrieval, computed for chunks of queries at a time with a
    /// matrix product and <c>topk</c>. Ranks among exactly equal similarities are in no particular order.
    /// </summary>
    /// <param name="embeddings">(n, d) floating-point tensor, finite, n ≥ 2.</param>
    /// <param name="labels">n class labels; at least one class must have two or more members.</param>
    /// <param name="ks">The k of each Recall@k, each between 1 and n − 1.</param>
    /// <param name="distance"><see cref="EmbeddingDistance.Cosine"/> ranks by cosine similarity,
    /// <see cref="EmbeddingDistance.Euclidean"/> by L2 distance.</param>
    /// <returns>The metrics, averaged over the queries that have at least one same-class embedding.</returns>
    /// <exception cref="ArgumentException">Bad shapes, a k out of range, or no class with two members.</exception>
    public static RetrievalResult Evaluate(Tensor embeddings, IReadOnlyList<int> labels, IReadOnlyList<int> ks,
        EmbeddingDistance distance = EmbeddingDistance.Cosine)
    {
        ArgumentNullException.ThrowIfNull(ks);
        if (distance is not (EmbeddingDistance.Euclidean or EmbeddingDistance.Cosine))
        {
            throw new ArgumentException($"distance {distance} is not supported.", nameof(distance));
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor matrix = EmbeddingInput.Matrix(embeddings, nameof(embeddings), minimumRows: 2);
        int n = (int)matrix.shape[0];
        var (classIndex, classLabels) = EmbeddingInput.DenseClasses(labels, n, nameof(labels));
        for (int i = 0; i < ks.Count; i++)
        {
            if (ks[i] < 1 || ks[i] > n - 1)
            {
                throw new ArgumentException($"ks[{i}] is {ks[i]}; each k must be between 1 and n − 1 = {n - 1}.", nameof(ks));
            }
        }
        int[] distinctKs = ks.Distinct().Order().ToArray();

        var classSizes = new long[classLabels.Length];
        foreach (long c in classIndex)
        {
            classSizes[c]++;
        }
        long[] relevantCounts = classIndex.Select(c => classSizes[c] - 1).ToArray();
        long queries = relevantCounts.Count(r => r > 0);
        if (queries == 0)
        {
            throw new ArgumentException("labels has no class with two or more members, so no query has anything to retrieve.", nameof(labels));
        }
        int depth = (int)Math.Max(distinctKs.LastOrDefault(1), relevantCounts.Max());

        Tensor keys = distance == EmbeddingDistance.Cosine
            ? nn.functional.normalize(matrix, dim: 1)
            // Distances do not change under translation; centring first keeps ‖x‖² − 2x·y + ‖y‖² well conditioned.
            : matrix - matrix.mean([0], keepdim: true);
        Tensor squaredNorms = keys.square().sum(1);
        Tensor classes = tensor(classIndex);
        Tensor relevant = tensor(relevantCounts);
        Tensor ranks = arange(1, depth + 1, float64);

        double hitsAt1 = 0;
        var hitsAtK = new double[distinctKs.Length];
        double averagePrecisionSum = 0;
        int chunk = (int)Math.Clamp(ChunkElementBudget / n, 1, n);
        for (int start = 0; start < n; start += chunk)
        {
            using var chunkScope = NewDisposeScope();
            int count = Math.Min(chunk, n - start);
            Tensor block = keys.narrow(0, start, count);
            Tensor similarity = distance == EmbeddingDistance.Cosine
                ? block.matmul(keys.t())
                : 2 * block.matmul(keys.t()) - squaredNorms.unsqueeze(0) - squaredNorms.narrow(0, start, count).unsqueeze(1);
            Tensor self = arange(start, start + count, int64).unsqueeze(1);
            similarity.scatter_(1, self, full(count, 1, float.NegativeInfinity));
            Tensor nearest = similarity.topk(depth, dim: 1, largest: true, sorted: true).indexes;
            Tensor queryRelevant = relevant.narrow(0, start, count);
            Tensor eligible = queryRelevant.gt(0);
            Tensor match = classes.index_select(0, nearest.flatten()).view(count, depth)
                .eq(classes.narrow(0, start, count).unsqueeze(1))
                .logical_and(eligible.unsqueeze(1));

            hitsAt1 += match.select(1, 0).sum().item<long>();
            for (int k = 0; k < distinctKs.Length; k++)
            {
                hitsAtK[k] += match.narrow(1, 0, distinctKs[k]).any(1).sum().item<long>();
            }
            Tensor hits = match.to(float64);
            Tensor precision = hits.cumsum(1) / ranks;
            Tensor withinR = ranks.unsqueeze(0) <= queryRelevant.unsqueeze(1).to(float64);
            Tensor averagePrecision = (precision * hits * withinR).sum(1) / queryRelevant.clamp_min(1).to(float64);
            averagePrecisionSum += averagePrecision.sum().item<double>();
        }

        var recall = new Dictionary<int, double>(distinctKs.Length);
        for (int k = 0; k < distinctKs.Length; k++)
        {
            recall[distinctKs[k]] = hitsAtK[k] / queries;
        }
        return new RetrievalResult(hitsAt1 / queries, recall, averagePrecisionSum / queries);
    }
}
