using static TorchSharp.torch;

namespace Manabi.Torch.Losses;

/// <summary>
/// The supervised contrastive loss, SupCon (Khosla et al. 2020, the "L_out" form): the rows are L2-normalised; for each
/// anchor, the mean over its positives (the other rows of its label) of −log softmax over every other row of the cosine
/// similarity divided by <see cref="Temperature"/>. It uses every pair of a labelled batch at once, so it needs no miner.
/// With one label per image and two views each it is SimCLR's NT-Xent (<see cref="NTXentLoss"/>); with class labels it
/// pulls whole classes together. Anchors without a positive are left out of the mean.
/// </summary>
public sealed class SupervisedContrastiveLoss : ILabelledEmbeddingLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="temperature">The temperature τ (SupCon's paper uses 0.1); positive.</param>
    public SupervisedContrastiveLoss(double temperature = 0.1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temperature);
        Temperature = temperature;
    }

    /// <summary>The temperature τ.</summary>
    public double Temperature { get; }

    /// <inheritdoc/>
    public Tensor Compute(Tensor embeddings, Tensor labels)
    {
        LabelledEmbeddingLosses.Check(embeddings, labels);
        using var scope = NewDisposeScope();
        long n = embeddings.shape[0];
        var z = nn.functional.normalize(embeddings, p: 2, dim: 1, eps: 1e-12);
        var self = eye(n, dtype: ScalarType.Bool, device: z.device);
        // A row is never its own candidate: −∞ drops it from every softmax.
        var logits = (z.matmul(z.t()) / Temperature).masked_fill(self, double.NegativeInfinity);
        var logProbabilities = logits.log_softmax(1);
        var (positives, _) = LabelledEmbeddingLosses.PairMasks(labels);
        var counts = positives.sum(1);
        var hasPositive = counts.gt(0);
        if (!hasPositive.any().item<bool>())
        {
            return (embeddings.sum() * 0).MoveToOuterDisposeScope();
        }
        // masked_fill before the sum: the diagonal's −∞ times a zero weight would be NaN.
        var perAnchor = -logProbabilities.masked_fill(positives.logical_not(), 0).sum(1) / counts.clamp_min(1).to_type(z.dtype);
        return perAnchor.masked_select(hasPositive).mean().MoveToOuterDisposeScope();
    }
}
