namespace Manabi.SentenceTransformers;

/// <summary>What <see cref="SentenceEncoder.Encode(IReadOnlyList{string}, int, bool?, PoolingMode?, IProgress{int}?, CancellationToken)"/> returns.</summary>
/// <param name="Vectors">One embedding per input text, in input order.</param>
/// <param name="Truncated">How many inputs were longer than the maximum sequence length and were cut.</param>
public sealed record SentenceEmbeddings(float[][] Vectors, int Truncated)
{
    /// <summary>The width of each embedding (0 when there are none).</summary>
    public int Dimension => Vectors.Length == 0 ? 0 : Vectors[0].Length;
}
