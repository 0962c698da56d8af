using System.Numerics.Tensors;

namespace Manabi.Vectors.Search;

/// <summary>
/// Similarity matrices, semantic search and paraphrase mining over embeddings (sentence-transformers' <c>util</c>),
/// computed with SIMD (<see cref="TensorPrimitives"/>) and no libtorch.
/// </summary>
public static class EmbeddingSimilarity
{
    /// <summary>One similarity of two vectors.</summary>
    public static float Score(ReadOnlySpan<float> a, ReadOnlySpan<float> b, SimilarityFunction function = SimilarityFunction.Cosine) =>
        function switch
        {
            SimilarityFunction.Cosine => TensorPrimitives.CosineSimilarity(a, b),
            SimilarityFunction.Dot => TensorPrimitives.Dot(a, b),
            SimilarityFunction.Euclidean => -TensorPrimitives.Distance(a, b),
            _ => throw new ArgumentOutOfRangeException(nameof(function)),
        };

    /// <summary>All similarities, <c>[a.Count, b.Count]</c> (util.cos_sim, util.dot_score, util.euclidean_sim).</summary>
    public static float[,] Matrix(IReadOnlyList<float[]> a, IReadOnlyList<float[]> b, SimilarityFunction function = SimilarityFunction.Cosine)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var result = new float[a.Count, b.Count];
        Parallel.For(0, a.Count, i =>
        {
            for (int j = 0; j < b.Count; j++)
            {
                result[i, j] = Score(a[i], b[j], function);
            }
        });
        return result;
    }

    /// <summary>
    /// The <paramref name="topK"/> corpus entries most similar to each query, best first (ties: lower index first),
    /// as util.semantic_search; queries are processed in chunks of <paramref name="queryChunkSize"/>.
    /// </summary>
    public static IReadOnlyList<SearchHit[]> SemanticSearch(IReadOnlyList<float[]> queries, IReadOnlyList<float[]> corpus, int topK = 10,
        SimilarityFunction function = SimilarityFunction.Cosine, int queryChunkSize = 100)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queryChunkSize);
        var results = new SearchHit[queries.Count][];
        for (int start = 0; start < queries.Count; start += queryChunkSize)
        {
            int end = Math.Min(queries.Count, start + queryChunkSize);
            Parallel.For(start, end, q =>
            {
                var top = new TopK(topK);
                for (int c = 0; c < corpus.Count; c++)
                {
                    top.Add(Score(queries[q], corpus[c], function), c);
                }
                results[q] = Array.ConvertAll(top.Sorted(), h => new SearchHit(h.Row, h.Score));
            });
        }
        return results;
    }

    /// <summary>
    /// Pairs of corpus entries that are most similar to each other (util.paraphrase_mining_embeddings): each entry's
    /// <paramref name="topK"/> nearest others, de-duplicated, best first, at most <paramref name="maxPairs"/>.
    /// </summary>
    public static IReadOnlyList<ParaphrasePair> ParaphraseMining(IReadOnlyList<float[]> embeddings, int topK = 100, int maxPairs = 500_000,
        SimilarityFunction function = SimilarityFunction.Cosine)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        // The shared TopK keeps nothing for k <= 0; refuse it here, as the search does, rather than return no pairs.
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);
        var perRow = new SearchHit[embeddings.Count][];
        Parallel.For(0, embeddings.Count, i =>
        {
            var top = new TopK(topK);
            for (int j = 0; j < embeddings.Count; j++)
            {
                if (j != i)
                {
                    top.Add(Score(embeddings[i], embeddings[j], function), j);
                }
            }
            perRow[i] = Array.ConvertAll(top.Sorted(), h => new SearchHit(h.Row, h.Score));
        });
        var seen = new HashSet<(int, int)>();
        var pairs = new List<ParaphrasePair>();
        for (int i = 0; i < perRow.Length; i++)
        {
            foreach (var hit in perRow[i])
            {
                var key = (Math.Min(i, hit.CorpusId), Math.Max(i, hit.CorpusId));
                if (seen.Add(key))
                {
                    pairs.Add(new ParaphrasePair(hit.Score, key.Item1, key.Item2));
                }
            }
        }
        return pairs.OrderByDescending(p => p.Score).ThenBy(p => p.First).ThenBy(p => p.Second).Take(maxPairs).ToList();
    }
}
