using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Models.Bert;

/// <summary>
/// A lookup table with the state_dict key <c>weight</c>, as <c>torch.nn.Embedding</c>. It replaces TorchSharp's
/// native Embedding, whose parameter is re-wrapped on every <c>named_parameters()</c> call and can then be skipped
/// as a "duplicate" when the garbage collector recycles a wrapper's address — which silently dropped the
/// embeddings from saved files and optimizers.
/// </summary>
public sealed class EmbeddingTable : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // The state_dict key of torch.nn.Embedding.
    private readonly Parameter weight;
#pragma warning restore IDE1006
    private readonly long _paddingIndex;

    /// <summary>Creates a <paramref name="count"/> × <paramref name="dimension"/> table of N(0, 1) values.</summary>
    /// <param name="count">Number of rows (ids).</param>
    /// <param name="dimension">Width of each row.</param>
    /// <param name="paddingIndex">A row that receives no gradient, as torch's padding_idx; −1 for none.</param>
    public EmbeddingTable(long count, long dimension, long paddingIndex = -1) : base(nameof(EmbeddingTable))
    {
        // Detached so that a caller's dispose scope never frees the model's weights.
        weight = (Parameter)new Parameter(randn(count, dimension)).DetachFromDisposeScope();
        _paddingIndex = paddingIndex;
        RegisterComponents();
    }

    /// <summary>The table, <c>[count, dimension]</c>.</summary>
    public Parameter Weight => weight;

    /// <summary>Looks up ids of any shape; the result has one more dimension, the row width.</summary>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = NewDisposeScope();
        var flat = input.reshape(-1);
        var rows = weight.index_select(0, flat);
        if (_paddingIndex >= 0 && is_grad_enabled() && weight.requires_grad)
        {
            // The padding row gets no gradient, as with torch's padding_idx.
            rows = where(flat.eq(_paddingIndex).unsqueeze(1), rows.detach(), rows);
        }
        long[] shape = [.. input.shape, weight.shape[1]];
        return rows.view(shape).MoveToOuterDisposeScope();
    }
}
