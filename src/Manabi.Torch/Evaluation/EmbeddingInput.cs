using static TorchSharp.torch;

namespace Manabi.Torch.Evaluation;

/// <summary>Argument checks and conversions shared by the evaluation metrics.</summary>
internal static class EmbeddingInput
{
    /// <summary>
    /// <paramref name="embeddings"/> as a contiguous float32 (n, d) tensor on the CPU, checked to be two-dimensional,
    /// non-empty, floating point and finite. The result belongs to the caller's dispose scope.
    /// </summary>
    internal static Tensor Matrix(Tensor embeddings, string name, int minimumRows = 1)
    {
        ArgumentNullException.ThrowIfNull(embeddings, name);
        if (embeddings.dim() != 2)
        {
            throw new ArgumentException($"{name} must be a 2-D (rows, dimensions) tensor but has shape [{string.Join(", ", embeddings.shape)}].", name);
        }
        if (!embeddings.is_floating_point())
        {
            throw new ArgumentException($"{name} must be a floating-point tensor but is {embeddings.dtype}.", name);
        }
        if (embeddings.shape[0] < minimumRows || embeddings.shape[1] < 1)
        {
            throw new ArgumentException(
                $"{name} has shape [{embeddings.shape[0]}, {embeddings.shape[1]}]; at least {minimumRows} row(s) and 1 dimension are needed.", name);
        }
        Tensor matrix = embeddings.detach().to(float32, CPU).contiguous();
        if (!isfinite(matrix).all().item<bool>())
        {
            long row = (~isfinite(matrix)).any(1).nonzero()[0, 0].item<long>();
            throw new ArgumentException($"{name} row {row} contains a NaN or infinite value.", name);
        }
        return matrix;
    }

    /// <summary>Checks that there is one label per row and maps the labels to dense class indices 0..classes−1
    /// (in ascending order of label value).</summary>
    internal static (long[] ClassIndex, int[] ClassLabels) DenseClasses(IReadOnlyList<int> labels, long rows, string name)
    {
        ArgumentNullException.ThrowIfNull(labels, name);
        if (labels.Count != rows)
        {
            throw new ArgumentException($"{name} has {labels.Count} labels but the embeddings have {rows} rows.", name);
        }
        int[] classLabels = labels.Distinct().Order().ToArray();
        var lookup = new Dictionary<int, int>(classLabels.Length);
        for (int i = 0; i < classLabels.Length; i++)
        {
            lookup[classLabels[i]] = i;
        }
        var classIndex = new long[labels.Count];
        for (int i = 0; i < classIndex.Length; i++)
        {
            classIndex[i] = lookup[labels[i]];
        }
        return (classIndex, classLabels);
    }
}
