namespace Manabi.Vectors.Search;

/// <summary>How two embeddings are compared (sentence-transformers' <c>similarity_fn_name</c>).</summary>
public enum SimilarityFunction
{
    /// <summary>Cosine similarity.</summary>
    Cosine,

    /// <summary>Dot product.</summary>
    Dot,

    /// <summary>Negative Euclidean distance, so that higher is closer (sentence-transformers' <c>euclidean_sim</c>).</summary>
    Euclidean,
}
