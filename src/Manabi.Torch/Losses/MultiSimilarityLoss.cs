using static TorchSharp.torch;

namespace Manabi.Torch.Losses;

/// <summary>
/// The multi-similarity loss (Wang et al. 2019) on cosine similarities S of the L2-normalised rows. Each anchor first
/// mines its informative pairs: negatives more similar than its least similar positive minus <see cref="Epsilon"/>, and
/// positives less similar than its most similar negative plus <see cref="Epsilon"/>. It then weights them softly:
/// 1/α·log(1 + Σ exp(−α(S_ip − λ))) + 1/β·log(1 + Σ exp(β(S_in − λ))), summed over anchors and divided by the batch
/// size as the authors' code does (an anchor with no mined positive or negative adds nothing).
/// </summary>
public sealed class MultiSimilarityLoss : ILabelledEmbeddingLoss
{
    /// <summary>Creates the loss with the paper's settings by default (α 2, β 50, λ 0.5, ε 0.1).</summary>
    /// <param name="alpha">The positive pairs' scale α; positive.</param>
    /// <param name="beta">The negative pairs' scale β; positive.</param>
    /// <param name="threshold">The similarity margin λ both sums are centred on.</param>
    /// <param name="epsilon">The mining margin ε; not negative.</param>
    public MultiSimilarityLoss(double alpha = 2, double beta = 50, double threshold = 0.5, double epsilon = 0.1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(alpha);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(beta);
        ArgumentOutOfRangeException.ThrowIfNegative(epsilon);
        Alpha = alpha;
        Beta = beta;
        Threshold = threshold;
        Epsilon = epsilon;
    }

    /// <summary>α, the scale of the positive pairs.</summary>
    public double Alpha { get; }

    /// <summary>β, the scale of the negative pairs.</summary>
    public double Beta { get; }

    /// <summary>λ, the similarity both sums are centred on.</summary>
    public double Threshold { get; }

    /// <summary>ε, the mining margin.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    public Tensor Compute(Tensor embeddings, Tensor labels)
    {
        LabelledEmbeddingLosses.Check(embeddings, labels);
        using var scope = NewDisposeScope();
        long n = embeddings.shape[0];
        var z = nn.functional.normalize(embeddings, p: 2, dim: 1, eps: 1e-12);
        var similarity = z.matmul(z.t());
        var (positives, negatives) = LabelledEmbeddingLosses.PairMasks(labels);
        // The mining thresholds come from the similarities without gradient, as in the authors' code.
        var detached = similarity.detach();
        var hardestPositive = detached.masked_fill(positives.logical_not(), double.PositiveInfinity).amin([1], keepdim: true);
        var hardestNegative = detached.masked_fill(negatives.logical_not(), double.NegativeInfinity).amax([1], keepdim: true);
        var keptNegatives = negatives.logical_and((detached + Epsilon).gt(hardestPositive));
        var keptPositives = positives.logical_and((detached - Epsilon).lt(hardestNegative));
        var valid = keptPositives.any(1).logical_and(keptNegatives.any(1));
        if (!valid.any().item<bool>())
        {
            return (embeddings.sum() * 0).MoveToOuterDisposeScope();
        }
        // log(1 + Σ exp(x)) as a logsumexp over the kept pairs and a zero column, stable for β = 50.
        var zero = zeros(n, 1, dtype: z.dtype, device: z.device);
        var positiveTerm = cat([zero, (-Alpha * (similarity - Threshold)).masked_fill(keptPositives.logical_not(), double.NegativeInfinity)], 1).logsumexp(1) / Alpha;
        var negativeTerm = cat([zero, (Beta * (similarity - Threshold)).masked_fill(keptNegatives.logical_not(), double.NegativeInfinity)], 1).logsumexp(1) / Beta;
        return ((positiveTerm + negativeTerm).masked_fill(valid.logical_not(), 0).sum() / n).MoveToOuterDisposeScope();
    }
}
