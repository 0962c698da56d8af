using Manabi.Torch.Evaluation;
using Manabi.Torch.Siamese;
using static TorchSharp.torch;

namespace Manabi.Torch.Losses;

/// <summary>The shape of the contrastive penalty.</summary>
public enum ContrastiveForm
{
    /// <summary>Hadsell, Chopra and LeCun (2006): ½d² for same pairs, ½max(0, m − d)² for different pairs.</summary>
    Squared,

    /// <summary>The hinge form: d for same pairs, max(0, m − d) for different pairs.</summary>
    Hinge,
}

/// <summary>
/// The contrastive loss of Siamese networks (Hadsell et al. 2006) over pairs of embeddings: same-class pairs are
/// pulled together, different-class pairs pushed apart until they are at least <see cref="Margin"/> apart.
/// <see cref="Compute(Tensor, Tensor)"/> uses every pair of a batch at once, weighting the positive and negative pairs
/// equally, so a batch with many classes is not dominated by its negatives.
/// </summary>
public sealed class PairContrastiveLoss : ILabelledEmbeddingLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="margin">The distance different pairs must exceed (positive).</param>
    /// <param name="form">Squared (Hadsell) or hinge.</param>
    /// <param name="distance">Euclidean or cosine distance.</param>
    public PairContrastiveLoss(double margin = 1.0, ContrastiveForm form = ContrastiveForm.Squared, EmbeddingDistance distance = EmbeddingDistance.Euclidean)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(margin);
        Margin = margin;
        Form = form;
        Distance = distance;
    }

    /// <summary>The margin.</summary>
    public double Margin { get; }

    /// <summary>The penalty's shape.</summary>
    public ContrastiveForm Form { get; }

    /// <summary>The distance.</summary>
    public EmbeddingDistance Distance { get; }

    /// <summary>The mean loss over explicit pairs: row i of <paramref name="first"/> with row i of <paramref name="second"/>, <paramref name="same"/> 1 (same class) or 0.</summary>
    public Tensor Compute(Tensor first, Tensor second, Tensor same)
    {
        ArgumentNullException.ThrowIfNull(same);
        using var scope = NewDisposeScope();
        var d = PairwiseDistances.Rows(first, second, Distance);
        if (same.shape.Length != 1 || same.shape[0] != d.shape[0])
        {
            throw new ArgumentException($"{nameof(same)} needs one label per pair ({d.shape[0]}), got [{string.Join(", ", same.shape)}].", nameof(same));
        }
        var y = same.to_type(d.dtype);
        return (y * Pull(d) + (1 - y) * Push(d)).mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The loss over every pair (i &lt; j) of a labelled batch: mean over same-class pairs plus mean over
    /// different-class pairs (a term is left out when the batch has no such pair).
    /// </summary>
    public Tensor Compute(Tensor embeddings, Tensor labels)
    {
        LabelledEmbeddingLosses.Check(embeddings, labels);
        using var scope = NewDisposeScope();
        var d = PairwiseDistances.Matrix(embeddings, embeddings, Distance);
        long n = d.shape[0];
        var upper = ones(n, n, dtype: ScalarType.Bool, device: d.device).triu(1);
        var (positives, negatives) = LabelledEmbeddingLosses.PairMasks(labels);
        var positive = positives.logical_and(upper);
        var negative = negatives.logical_and(upper);
        var loss = zeros(1, dtype: d.dtype, device: d.device).squeeze();
        if (positive.any().item<bool>())
        {
            loss = loss + Pull(d.masked_select(positive)).mean();
        }
        if (negative.any().item<bool>())
        {
            loss = loss + Push(d.masked_select(negative)).mean();
        }
        return loss.MoveToOuterDisposeScope();
    }

    private Tensor Pull(Tensor d) => Form == ContrastiveForm.Squared ? 0.5 * d.pow(2) : d;

    private Tensor Push(Tensor d)
    {
        var gap = (Margin - d).clamp_min(0);
        return Form == ContrastiveForm.Squared ? 0.5 * gap.pow(2) : gap;
    }
}
