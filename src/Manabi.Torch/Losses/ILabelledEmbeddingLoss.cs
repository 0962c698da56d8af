using static TorchSharp.torch;

namespace Manabi.Torch.Losses;

/// <summary>
/// The contract shared by the metric-learning losses of a labelled batch: (N, d) embeddings and their N labels in, a
/// scalar loss out. Each loss chooses its own pairs or triplets among the batch (all pairs, mined triplets, weighted
/// pairs), so a trainer can swap one for another without knowing which. Class-balanced batches
/// (<see cref="Siamese.MPerClassSampler"/>) give every anchor positives.
/// </summary>
public interface ILabelledEmbeddingLoss
{
    /// <summary>The loss of a batch: row i of <paramref name="embeddings"/> has label <paramref name="labels"/>[i].</summary>
    /// <exception cref="ArgumentException">The shapes do not fit: embeddings (N, d) and labels (N).</exception>
    Tensor Compute(Tensor embeddings, Tensor labels);
}

/// <summary>Checks shared by the <see cref="ILabelledEmbeddingLoss"/> implementations.</summary>
internal static class LabelledEmbeddingLosses
{
    /// <summary>Throws unless <paramref name="embeddings"/> is (N, d) and <paramref name="labels"/> (N).</summary>
    public static void Check(Tensor embeddings, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(labels);
        if (embeddings.dim() != 2)
        {
            throw new ArgumentException($"Embeddings must be (rows, dimensions); got [{string.Join(", ", embeddings.shape)}].", nameof(embeddings));
        }
        if (labels.dim() != 1 || labels.shape[0] != embeddings.shape[0])
        {
            throw new ArgumentException($"{nameof(labels)} needs one label per embedding ({embeddings.shape[0]}), got [{string.Join(", ", labels.shape)}].", nameof(labels));
        }
    }

    /// <summary>
    /// The (N, N) masks of a labelled batch: positives share a label and are not the same row; negatives have
    /// different labels. The tensors belong to the caller's dispose scope.
    /// </summary>
    public static (Tensor Positives, Tensor Negatives) PairMasks(Tensor labels)
    {
        var same = labels.unsqueeze(1).eq(labels.unsqueeze(0));
        var notSelf = eye(labels.shape[0], dtype: ScalarType.Bool, device: labels.device).logical_not();
        return (same.logical_and(notSelf), same.logical_not());
    }
}
