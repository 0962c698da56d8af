using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Losses;

/// <summary>
/// Matryoshka representation learning (sentence-transformers' <c>MatryoshkaLoss</c>): the inner loss is applied to
/// the embeddings truncated to each of several leading widths, and the results are summed with weights (1 each by
/// default), so that the leading components alone already make a good embedding.
/// </summary>
public sealed class MatryoshkaLoss : SentenceLoss
{
    private readonly SentenceLoss _inner;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The loss to apply at every width (its parameters, if any, are registered here too).</param>
    /// <param name="dimensions">The widths, e.g. 768, 512, 256, 128, 64.</param>
    /// <param name="weights">One weight per width; all 1 when null.</param>
    public MatryoshkaLoss(SentenceLoss inner, IReadOnlyList<int> dimensions, IReadOnlyList<double>? weights = null)
        : base(nameof(MatryoshkaLoss))
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Count == 0 || dimensions.Any(d => d <= 0))
        {
            throw new ArgumentException("Matryoshka dimensions must be positive and at least one", nameof(dimensions));
        }
        if (weights is not null && weights.Count != dimensions.Count)
        {
            throw new ArgumentException($"{weights.Count} weights for {dimensions.Count} dimensions", nameof(weights));
        }
        _inner = inner;
        Dimensions = [.. dimensions];
        Weights = weights is null ? Enumerable.Repeat(1.0, dimensions.Count).ToArray() : [.. weights];
        register_module("loss", inner);
    }

    /// <summary>The widths the inner loss is applied at.</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>The weight of each width.</summary>
    public IReadOnlyList<double> Weights { get; }

    /// <inheritdoc/>
    public override int? Columns => _inner.Columns;

    /// <inheritdoc/>
    public override bool NeedsLabels => _inner.NeedsLabels;

    /// <inheritdoc/>
    public override Tensor Compute(IReadOnlyList<Tensor> embeddings, Tensor? labels)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        using var scope = NewDisposeScope();
        Tensor? total = null;
        for (int i = 0; i < Dimensions.Count; i++)
        {
            long width = Math.Min(Dimensions[i], embeddings[0].shape[^1]);
            var truncated = embeddings.Select(e => e.narrow(-1, 0, width)).ToList();
            var term = _inner.Compute(truncated, labels) * Weights[i];
            total = total is null ? term : total + term;
        }
        return total!.MoveToOuterDisposeScope();
    }
}
