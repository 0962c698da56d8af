using Manabi.Torch.Evaluation;
using Manabi.Torch.Losses;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Losses;

/// <summary>
/// Contrastive loss on pairs labelled 1 (similar) or 0 (dissimilar), with cosine distance d = 1 − cos(u, v):
/// ½·(y·d² + (1−y)·relu(margin − d)²), averaged (sentence-transformers' <c>ContrastiveLoss</c>, margin 0.5). The text
/// columns' side of <see cref="PairContrastiveLoss"/>, which computes it (Hadsell's squared form on cosine distance).
/// </summary>
public sealed class ContrastiveLoss : SentenceLoss
{
    /// <summary>Creates the loss.</summary>
    public ContrastiveLoss(double margin = 0.5, bool sizeAverage = true) : base(nameof(ContrastiveLoss))
    {
        Margin = margin;
        SizeAverage = sizeAverage;
    }

    /// <summary>The distance dissimilar pairs should at least have.</summary>
    public double Margin { get; }

    /// <summary>Mean (true) or sum (false) over the batch.</summary>
    public bool SizeAverage { get; }

    /// <inheritdoc/>
    public override int? Columns => 2;

    /// <inheritdoc/>
    public override bool NeedsLabels => true;

    /// <inheritdoc/>
    public override Tensor Compute(IReadOnlyList<Tensor> embeddings, Tensor? labels)
    {
        Require(embeddings, labels, 2, labelled: true);
        using var scope = NewDisposeScope();
        var mean = new PairContrastiveLoss(Margin, ContrastiveForm.Squared, EmbeddingDistance.Cosine).Compute(embeddings[0], embeddings[1], labels!);
        return (SizeAverage ? mean : mean * embeddings[0].shape[0]).MoveToOuterDisposeScope();
    }
}
