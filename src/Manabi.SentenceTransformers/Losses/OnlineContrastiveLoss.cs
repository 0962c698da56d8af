using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Losses;

/// <summary>
/// Contrastive loss on the hard pairs of a batch only (sentence-transformers' <c>OnlineContrastiveLoss</c>): negatives
/// closer than the farthest positive, positives farther than the closest negative; summed, cosine distance, margin 0.5.
/// </summary>
public sealed class OnlineContrastiveLoss : SentenceLoss
{
    /// <summary>Creates the loss.</summary>
    public OnlineContrastiveLoss(double margin = 0.5) : base(nameof(OnlineContrastiveLoss)) => Margin = margin;

    /// <summary>The distance dissimilar pairs should at least have.</summary>
    public double Margin { get; }

    /// <inheritdoc/>
    public override int? Columns => 2;

    /// <inheritdoc/>
    public override bool NeedsLabels => true;

    /// <inheritdoc/>
    public override Tensor Compute(IReadOnlyList<Tensor> embeddings, Tensor? labels)
    {
        Require(embeddings, labels, 2, labelled: true);
        using var scope = NewDisposeScope();
        var distance = 1 - nn.functional.cosine_similarity(embeddings[0], embeddings[1], 1);
        var negatives = distance.masked_select(labels!.eq(0));
        var positives = distance.masked_select(labels.eq(1));
        // As sentence-transformers: a class with a single member compares against the other class's mean.
        var negativeThreshold = positives.shape[0] > 1 ? positives.max() : negatives.mean();
        var positiveThreshold = negatives.shape[0] > 1 ? negatives.min() : positives.mean();
        var hardNegatives = negatives.masked_select(negatives.lt(negativeThreshold));
        var hardPositives = positives.masked_select(positives.gt(positiveThreshold));
        var loss = hardPositives.pow(2).sum() + nn.functional.relu(Margin - hardNegatives).pow(2).sum();
        return loss.MoveToOuterDisposeScope();
    }
}
