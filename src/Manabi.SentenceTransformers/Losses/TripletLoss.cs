using Manabi.Torch.Losses;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Losses;

/// <summary>
/// Triplet loss with Euclidean distance: mean of relu(‖a−p‖ − ‖a−n‖ + margin), margin 5 — the formula
/// sentence-transformers documents. Its code measures the distance through <c>pairwise_euclidean_sim</c>, a similarity
/// helper that could flip the sign; the golden values of sentence-transformers 6.0.1 follow the documented formula
/// (checked by the parity tests), so the two agree. The text columns' side of <see cref="TripletMarginLoss"/>, whose
/// hinge it applies to exact euclidean norms (torch's <c>TripletMarginLoss</c> adds 1e-6 inside the norm).
/// </summary>
public sealed class TripletLoss : SentenceLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="margin">How much farther the negative should be than the positive.</param>
    public TripletLoss(double margin = 5.0) : base(nameof(TripletLoss)) => Margin = margin;

    /// <summary>How much farther the negative should be than the positive.</summary>
    public double Margin { get; }

    /// <inheritdoc/>
    public override int? Columns => 3;

    /// <inheritdoc/>
    public override bool NeedsLabels => false;

    /// <inheritdoc/>
    public override Tensor Compute(IReadOnlyList<Tensor> embeddings, Tensor? labels)
    {
        Require(embeddings, labels, 3, labelled: false);
        using var scope = NewDisposeScope();
        var positive = (embeddings[0] - embeddings[1]).norm(1, false, 2);
        var negative = (embeddings[0] - embeddings[2]).norm(1, false, 2);
        return new TripletMarginLoss(Margin).FromDistances(positive, negative).MoveToOuterDisposeScope();
    }
}
