using static TorchSharp.torch;

namespace Manabi.Torch.Losses;

/// <summary>
/// torch's <c>CosineEmbeddingLoss</c>: 1 − cos(x₁, x₂) for pairs labelled 1, max(0, cos(x₁, x₂) − margin) for
/// pairs labelled −1, averaged.
/// </summary>
public sealed class CosineEmbeddingLoss
{
    /// <summary>Creates the loss.</summary>
    public CosineEmbeddingLoss(double margin = 0) => Margin = margin;

    /// <summary>The margin applied to dissimilar pairs (torch's default 0; −1 to 1 are meaningful).</summary>
    public double Margin { get; }

    /// <summary>The mean loss; <paramref name="targets"/> holds 1 or −1 per pair.</summary>
    public Tensor Compute(Tensor first, Tensor second, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(targets);
        using var scope = NewDisposeScope();
        // torch computes cos as x·y / sqrt((‖x‖² + eps)(‖y‖² + eps)) with eps 1e-12.
        var dot = (first * second).sum(1);
        var cos = dot / ((first.pow(2).sum(1) + 1e-12) * (second.pow(2).sum(1) + 1e-12)).sqrt();
        var similar = targets.eq(1);
        var dissimilar = targets.eq(-1);
        if (!similar.logical_or(dissimilar).all().item<bool>())
        {
            throw new ArgumentException("CosineEmbeddingLoss targets must be 1 or -1.", nameof(targets));
        }
        var loss = where(similar, 1 - cos, (cos - Margin).clamp_min(0));
        return loss.mean().MoveToOuterDisposeScope();
    }
}
