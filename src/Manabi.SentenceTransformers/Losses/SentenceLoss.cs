using Manabi.SentenceTransformers;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Losses;

/// <summary>
/// A sentence-transformers training objective: the embeddings of each text column (anchor, positive, negative, …)
/// and optional labels in, a scalar loss out. Losses with parameters (SoftmaxLoss's classifier) register them, so
/// <c>parameters()</c> gives what the optimizer must update beside the model.
/// </summary>
public abstract class SentenceLoss : nn.Module
{
    /// <summary>Creates a loss with a module name.</summary>
    protected SentenceLoss(string name) : base(name)
    {
    }

    /// <summary>How many text columns the loss reads (e.g. 2 for pairs, 3 for triplets); null when it accepts 2 or more.</summary>
    public abstract int? Columns { get; }

    /// <summary>Whether the loss needs a label per row (a score or a class).</summary>
    public abstract bool NeedsLabels { get; }

    /// <summary>The loss from one <c>[batch, dim]</c> embedding per column and, where needed, <c>[batch]</c> labels.</summary>
    public abstract Tensor Compute(IReadOnlyList<Tensor> embeddings, Tensor? labels);

    /// <summary>Embeds each column with <paramref name="model"/> (with autograd) and computes the loss.</summary>
    public Tensor Forward(SentenceEncoder model, IReadOnlyList<IReadOnlyList<string>> columns, Tensor? labels = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(columns);
        using var scope = NewDisposeScope();
        var embeddings = new List<Tensor>(columns.Count);
        foreach (var column in columns)
        {
            using var batch = model.Tokenize(column);
            embeddings.Add(model.Forward(batch));
        }
        return Compute(embeddings, labels).MoveToOuterDisposeScope();
    }

    /// <summary>Throws unless there are <paramref name="count"/> embeddings (and labels when <paramref name="labelled"/>).</summary>
    protected void Require(IReadOnlyList<Tensor> embeddings, Tensor? labels, int count, bool labelled)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.Count != count)
        {
            throw new ArgumentException($"{GetName()} needs {count} text columns, got {embeddings.Count}", nameof(embeddings));
        }
        if (labelled && labels is null)
        {
            throw new ArgumentException($"{GetName()} needs labels", nameof(labels));
        }
    }

    /// <summary>Row-wise cosine similarities of two <c>[batch, dim]</c> matrices, as <c>util.pairwise_cos_sim</c>.</summary>
    protected static Tensor PairwiseCosine(Tensor a, Tensor b) =>
        (nn.functional.normalize(a, 2.0, 1) * nn.functional.normalize(b, 2.0, 1)).sum(1);

    /// <summary>All cosine similarities, <c>[a rows, b rows]</c>, as <c>util.cos_sim</c>.</summary>
    protected static Tensor CosineMatrix(Tensor a, Tensor b) =>
        nn.functional.normalize(a, 2.0, 1).matmul(nn.functional.normalize(b, 2.0, 1).t());
}
