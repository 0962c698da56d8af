using Manabi.Torch.Evaluation;
using static TorchSharp.torch;

namespace Manabi.Torch.Siamese;

/// <summary>Distances between embeddings, row-wise and as a full matrix, with gradients that stay finite at zero distance.</summary>
public static class PairwiseDistances
{
    /// <summary>
    /// The (n, m) matrix of distances between the rows of <paramref name="x"/> and <paramref name="y"/>: euclidean
    /// from ‖x‖² + ‖y‖² − 2x·y (clamped at 1e-12 before the square root, so the diagonal of a self-distance matrix
    /// has a zero, not NaN, gradient), or cosine distance 1 − cos.
    /// </summary>
    public static Tensor Matrix(Tensor x, Tensor y, EmbeddingDistance distance)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        CheckRows(x, y, nameof(y));
        using var scope = NewDisposeScope();
        if (distance == EmbeddingDistance.Cosine)
        {
            var xn = nn.functional.normalize(x, p: 2, dim: 1, eps: 1e-12);
            var yn = nn.functional.normalize(y, p: 2, dim: 1, eps: 1e-12);
            return (1 - xn.matmul(yn.t())).MoveToOuterDisposeScope();
        }
        var squared = x.pow(2).sum(1, keepdim: true) + y.pow(2).sum(1).unsqueeze(0) - 2 * x.matmul(y.t());
        var result = squared.clamp_min(1e-12).sqrt();
        if (ReferenceEquals(x, y))
        {
            // In float32 the expansion leaves ~1e-3 of rounding on the diagonal; a point is at distance 0 from itself.
            result = result.masked_fill(eye(x.shape[0], dtype: ScalarType.Bool, device: x.device), 0);
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The distance between row i of <paramref name="x"/> and row i of <paramref name="y"/>: euclidean as
    /// torch's <c>pairwise_distance</c> (‖x − y + eps‖₂, eps 1e-6), or cosine distance 1 − cos.
    /// </summary>
    public static Tensor Rows(Tensor x, Tensor y, EmbeddingDistance distance, double eps = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (!x.shape.SequenceEqual(y.shape))
        {
            throw new ArgumentException($"The two embedding batches differ in shape: [{string.Join(", ", x.shape)}] and [{string.Join(", ", y.shape)}].", nameof(y));
        }
        using var scope = NewDisposeScope();
        var result = distance == EmbeddingDistance.Cosine
            ? 1 - nn.functional.cosine_similarity(x, y, dim: 1, eps: 1e-8)
            : (x - y + eps).pow(2).sum(1).sqrt();
        return result.MoveToOuterDisposeScope();
    }

    private static void CheckRows(Tensor x, Tensor y, string name)
    {
        if (x.dim() != 2 || y.dim() != 2 || x.shape[1] != y.shape[1])
        {
            throw new ArgumentException($"Embeddings must be (rows, dimensions) with equal dimensions; got [{string.Join(", ", x.shape)}] and [{string.Join(", ", y.shape)}].", name);
        }
    }
}
