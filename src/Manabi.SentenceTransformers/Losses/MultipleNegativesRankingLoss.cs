using Manabi.Torch.Losses;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Losses;

/// <summary>
/// In-batch negatives ranking (sentence-transformers' <c>MultipleNegativesRankingLoss</c>): for anchor i, the
/// positive i must score highest among all positives (and hard negatives, when a third column is given) of the
/// batch; cross-entropy over cosine similarities times <see cref="Scale"/> (20).
/// </summary>
public sealed class MultipleNegativesRankingLoss : SentenceLoss
{
    /// <summary>Creates the loss.</summary>
    public MultipleNegativesRankingLoss(double scale = 20.0) : base(nameof(MultipleNegativesRankingLoss)) => Scale = scale;

    /// <summary>Multiplies the cosine similarities (an inverse temperature).</summary>
    public double Scale { get; }

    /// <inheritdoc/>
    public override int? Columns => null;

    /// <inheritdoc/>
    public override bool NeedsLabels => false;

    /// <inheritdoc/>
    public override Tensor Compute(IReadOnlyList<Tensor> embeddings, Tensor? labels)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.Count < 2)
        {
            throw new ArgumentException("MultipleNegativesRankingLoss needs an anchor and at least one positive column", nameof(embeddings));
        }
        using var scope = NewDisposeScope();
        var candidates = cat(embeddings.Skip(1).ToArray(), 0);
        return InfoNceLoss.Compute(embeddings[0], candidates, Scale).MoveToOuterDisposeScope();
    }
}
