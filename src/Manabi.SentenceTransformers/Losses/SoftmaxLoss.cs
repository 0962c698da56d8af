using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Losses;

/// <summary>
/// A softmax classifier on (u, v, |u − v|) trained with cross-entropy (sentence-transformers' <c>SoftmaxLoss</c>,
/// as in the SBERT paper's NLI training). The classifier's weights are this module's parameters.
/// </summary>
public sealed class SoftmaxLoss : SentenceLoss
{
#pragma warning disable IDE1006 // The state_dict key of sentence-transformers' SoftmaxLoss.
    private readonly Linear classifier;
#pragma warning restore IDE1006

    /// <summary>Creates the loss with a freshly initialised classifier.</summary>
    public SoftmaxLoss(int embeddingDimension, int labelCount) : base(nameof(SoftmaxLoss))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingDimension);
        ArgumentOutOfRangeException.ThrowIfLessThan(labelCount, 2);
        LabelCount = labelCount;
        classifier = nn.Linear(3L * embeddingDimension, labelCount);
        RegisterComponents();
    }

    /// <summary>The number of classes.</summary>
    public int LabelCount { get; }

    /// <summary>The classifier (<c>[labels, 3·dim]</c> weight and <c>[labels]</c> bias).</summary>
    public Linear Classifier => classifier;

    /// <inheritdoc/>
    public override int? Columns => 2;

    /// <inheritdoc/>
    public override bool NeedsLabels => true;

    /// <inheritdoc/>
    public override Tensor Compute(IReadOnlyList<Tensor> embeddings, Tensor? labels)
    {
        Require(embeddings, labels, 2, labelled: true);
        using var scope = NewDisposeScope();
        var u = embeddings[0];
        var v = embeddings[1];
        var logits = classifier.forward(cat([u, v, (u - v).abs()], 1));
        return nn.functional.cross_entropy(logits, labels!.to(ScalarType.Int64).view(-1)).MoveToOuterDisposeScope();
    }
}
