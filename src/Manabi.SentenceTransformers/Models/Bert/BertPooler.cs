using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Models.Bert;

/// <summary>tanh(dense(first token)), BERT's next-sentence pooler (HF <c>BertPooler</c>).</summary>
public sealed class BertPooler : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Field names are the state_dict keys of HF BertModel.
    private readonly Linear dense;
#pragma warning restore IDE1006

    /// <summary>Creates a freshly initialised pooler for <paramref name="config"/>.</summary>
    public BertPooler(BertConfig config) : base(nameof(BertPooler))
    {
        ArgumentNullException.ThrowIfNull(config);
        dense = nn.Linear(config.HiddenSize, config.HiddenSize);
        RegisterComponents();
    }

    /// <summary>Pools <c>[batch, tokens, hidden]</c> into <c>[batch, hidden]</c>.</summary>
    public override Tensor forward(Tensor hidden)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        using var scope = NewDisposeScope();
        return dense.forward(hidden.select(1, 0)).tanh_().MoveToOuterDisposeScope();
    }
}
