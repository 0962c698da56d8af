using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Losses;

/// <summary>
/// CoSENT (sentence-transformers' <c>CoSENTLoss</c>, scale 20): log(1 + Σ exp(scale·(cos_k − cos_l))) over pairs whose
/// gold scores rank l above k — it trains the ranking of pair similarities rather than their values.
/// </summary>
public sealed class CoSENTLoss : SentenceLoss
{
    /// <summary>Creates the loss.</summary>
    public CoSENTLoss(double scale = 20.0) : base(nameof(CoSENTLoss)) => Scale = scale;

    /// <summary>Multiplies the cosine similarities.</summary>
    public double Scale { get; }

    /// <inheritdoc/>
    public override int? Columns => 2;

    /// <inheritdoc/>
    public override bool NeedsLabels => true;

    /// <inheritdoc/>
    public override Tensor Compute(IReadOnlyList<Tensor> embeddings, Tensor? labels)
    {
        Require(embeddings, labels, 2, labelled: true);
        using var scope = NewDisposeScope();
        var scores = PairwiseCosine(embeddings[0], embeddings[1]) * Scale;
        var differences = scores.unsqueeze(1) - scores.unsqueeze(0);
        var gold = labels!.to(scores.dtype);
        var ordered = gold.unsqueeze(1).lt(gold.unsqueeze(0)).to(scores.dtype);
        // Pairs not ordered that way are pushed to −10¹² so that they vanish from the log-sum-exp.
        var masked = differences - (1 - ordered) * 1e12;
        var withZero = cat([zeros(1, scores.dtype, scores.device), masked.view(-1)], 0);
        return withZero.logsumexp(0).MoveToOuterDisposeScope();
    }
}
