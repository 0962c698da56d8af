namespace Manabi.SentenceTransformers;

/// <summary>
/// How token embeddings become one sentence embedding (sentence-transformers' <c>Pooling</c>). Several may be
/// combined; their outputs are then concatenated in the order cls, max, mean, mean_sqrt_len_tokens, weightedmean,
/// lasttoken, as sentence-transformers does.
/// </summary>
[Flags]
public enum PoolingMode
{
    /// <summary>No pooling (invalid on its own).</summary>
    None = 0,

    /// <summary>The first token's embedding.</summary>
    Cls = 1,

    /// <summary>The element-wise maximum over real tokens.</summary>
    Max = 2,

    /// <summary>The mean over real tokens.</summary>
    Mean = 4,

    /// <summary>The sum over real tokens divided by the square root of their number.</summary>
    MeanSqrtLenTokens = 8,

    /// <summary>The mean weighted by position (1, 2, …), from SGPT.</summary>
    WeightedMean = 16,

    /// <summary>The last real token's embedding.</summary>
    LastToken = 32,
}
