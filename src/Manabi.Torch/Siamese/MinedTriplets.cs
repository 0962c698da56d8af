using static TorchSharp.torch;

namespace Manabi.Torch.Siamese;

/// <summary>Batch indices of mined triplets, int64 tensors of equal length.</summary>
/// <param name="Anchors">Anchor rows.</param>
/// <param name="Positives">Positive rows (same class as the anchor, not the anchor).</param>
/// <param name="Negatives">Negative rows (another class).</param>
public sealed record MinedTriplets(Tensor Anchors, Tensor Positives, Tensor Negatives) : IDisposable
{
    /// <summary>The number of triplets.</summary>
    public long Count => Anchors.shape[0];

    /// <inheritdoc/>
    public void Dispose()
    {
        Anchors.Dispose();
        Positives.Dispose();
        Negatives.Dispose();
    }
}
