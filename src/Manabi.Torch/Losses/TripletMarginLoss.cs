using Manabi.Torch.Evaluation;
using Manabi.Torch.Siamese;
using static TorchSharp.torch;

namespace Manabi.Torch.Losses;

/// <summary>
/// The triplet margin loss (Schroff et al. 2015, FaceNet): max(0, d(a, p) − d(a, n) + margin), averaged over
/// triplets; euclidean distance as torch's <c>TripletMarginLoss(p=2)</c> (‖a − p + 1e-6‖), or cosine distance.
/// The soft-margin variant (Hermans et al. 2017) replaces the hinge with softplus(d(a, p) − d(a, n)).
/// </summary>
public sealed class TripletMarginLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="margin">The margin (ignored by the soft-margin form); not negative.</param>
    /// <param name="distance">Euclidean or cosine distance.</param>
    /// <param name="softMargin">Use softplus instead of the hinge.</param>
    public TripletMarginLoss(double margin = 1.0, EmbeddingDistance distance = EmbeddingDistance.Euclidean, bool softMargin = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(margin);
        Margin = margin;
        Distance = distance;
        SoftMargin = softMargin;
    }

    /// <summary>The margin.</summary>
    public double Margin { get; }

    /// <summary>The distance.</summary>
    public EmbeddingDistance Distance { get; }

    /// <summary>Whether the soft-margin form is used.</summary>
    public bool SoftMargin { get; }

    /// <summary>The mean loss over the triplets (row i of each batch).</summary>
    public Tensor Compute(Tensor anchors, Tensor positives, Tensor negatives)
    {
        using var scope = NewDisposeScope();
        var dp = PairwiseDistances.Rows(anchors, positives, Distance);
        var dn = PairwiseDistances.Rows(anchors, negatives, Distance);
        return FromDistances(dp, dn).MoveToOuterDisposeScope();
    }

    /// <summary>The mean loss from anchor–positive and anchor–negative distances (for mined triplets, gathered from a distance matrix).</summary>
    public Tensor FromDistances(Tensor positiveDistances, Tensor negativeDistances)
    {
        ArgumentNullException.ThrowIfNull(positiveDistances);
        ArgumentNullException.ThrowIfNull(negativeDistances);
        using var scope = NewDisposeScope();
        if (positiveDistances.numel() == 0)
        {
            return (positiveDistances.sum() * 0).MoveToOuterDisposeScope();
        }
        var gap = positiveDistances - negativeDistances;
        var loss = SoftMargin ? nn.functional.softplus(gap) : (gap + Margin).clamp_min(0);
        return loss.mean().MoveToOuterDisposeScope();
    }
}
