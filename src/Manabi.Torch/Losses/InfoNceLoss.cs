using static TorchSharp.torch;

namespace Manabi.Torch.Losses;

/// <summary>
/// InfoNCE with in-batch negatives: row i of the anchors must score highest against candidate i among all the
/// candidates; cross-entropy over cosine similarities times a scale (an inverse temperature). Sentence-transformers'
/// <c>MultipleNegativesRankingLoss</c> and the image Siamese trainer's InfoNCE objective both compute it, so it lives
/// here rather than in either.
/// </summary>
public static class InfoNceLoss
{
    /// <summary>The mean loss of <c>[batch, dim]</c> anchors against <c>[candidates, dim]</c> candidates (the first
    /// <c>batch</c> of which are the positives).</summary>
    /// <param name="anchors">One row per anchor.</param>
    /// <param name="candidates">The positives in anchor order, then any further negatives.</param>
    /// <param name="scale">Multiplies the cosine similarities.</param>
    public static Tensor Compute(Tensor anchors, Tensor candidates, double scale)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        ArgumentNullException.ThrowIfNull(candidates);
        using var scope = NewDisposeScope();
        var scores = nn.functional.normalize(anchors, 2.0, 1).matmul(nn.functional.normalize(candidates, 2.0, 1).t()) * scale;
        var targets = arange(anchors.shape[0], dtype: ScalarType.Int64, device: anchors.device);
        return nn.functional.cross_entropy(scores, targets).MoveToOuterDisposeScope();
    }
}
