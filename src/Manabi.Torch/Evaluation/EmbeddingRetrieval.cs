using Manabi.Numerics.Metrics;
using static TorchSharp.torch;

namespace Manabi.Torch.Evaluation;

/// <summary>
/// Retrieval metrics of metric learning for embeddings held in a tensor: a thin adapter over the pure-managed
/// <see cref="Manabi.Numerics.Metrics.RetrievalMetrics"/>, which holds the definitions (lone queries left out, as
/// pytorch-metric-learning's AccuracyCalculator does).
/// </summary>
public static class EmbeddingRetrieval
{
    /// <summary>
    /// Precision@1, Recall@k and MAP@R of leave-one-out retrieval: the tensor is copied to a float32 array on the CPU
    /// and evaluated by <see cref="Manabi.Numerics.Metrics.RetrievalMetrics.Evaluate"/>. Ranks among exactly equal
    /// similarities go to the lower index first.
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
        RetrievalDistance pure = distance switch
        {
            EmbeddingDistance.Euclidean => RetrievalDistance.Euclidean,
            EmbeddingDistance.Cosine => RetrievalDistance.Cosine,
            _ => throw new ArgumentException($"distance {distance} is not supported.", nameof(distance)),
        };
        float[] values;
        int dimension;
        using (NewDisposeScope())
        {
            // The tensor checks (2-D, floating point, finite) keep their tensor-shaped messages.
            Tensor matrix = EmbeddingInput.Matrix(embeddings, nameof(embeddings), minimumRows: 2);
            dimension = (int)matrix.shape[1];
            values = matrix.data<float>().ToArray();
        }
        return Manabi.Numerics.Metrics.RetrievalMetrics.Evaluate(values, dimension, labels, ks, pure);
    }
}
