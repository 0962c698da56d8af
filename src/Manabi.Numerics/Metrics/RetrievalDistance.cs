namespace Manabi.Numerics.Metrics;

/// <summary>How <see cref="RetrievalMetrics"/> ranks the other embeddings for a query.</summary>
public enum RetrievalDistance
{
    /// <summary>Euclidean (L2) distance; smaller is closer.</summary>
    Euclidean,

    /// <summary>Cosine similarity of the directions (the embeddings' lengths are ignored); larger is closer.</summary>
    Cosine,
}
