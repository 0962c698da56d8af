using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Losses;

/// <summary>Mean squared error between cos(u, v) and a gold score in [0, 1] (sentence-transformers' <c>CosineSimilarityLoss</c>).</summary>
public sealed class CosineSimilarityLoss : SentenceLoss
{
    /// <summary>Creates the loss.</summary>
    public CosineSimilarityLoss() : base(nameof(CosineSimilarityLoss))
    {
    }

    /// <inheritdoc/>
    public override int? Columns => 2;

    /// <inheritdoc/>
    public override bool NeedsLabels => true;

    /// <inheritdoc/>
    public override Tensor Compute(IReadOnlyList<Tensor> embeddings, Tensor? labels)
    {
        Require(embeddings, labels, 2, labelled: true);
        using var scope = NewDisposeScope();
        var cosine = nn.functional.cosine_similarity(embeddings[0], embeddings[1], 1);
        return nn.functional.mse_loss(cosine, labels!.to(cosine.dtype).view(-1)).MoveToOuterDisposeScope();
    }
}
