using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Models.Bert;

/// <summary>The stack of transformer layers (HF <c>BertEncoder</c>).</summary>
public sealed class BertEncoder : nn.Module
{
#pragma warning disable IDE1006 // Field names are the state_dict keys of HF BertModel.
    private readonly ModuleList<BertLayer> layer;
#pragma warning restore IDE1006

    /// <summary>Creates <see cref="BertConfig.NumHiddenLayers"/> freshly initialised layers.</summary>
    public BertEncoder(BertConfig config) : base(nameof(BertEncoder))
    {
        ArgumentNullException.ThrowIfNull(config);
        layer = new ModuleList<BertLayer>(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new BertLayer(config)).ToArray());
        RegisterComponents();
    }

    /// <summary>The layers, in order.</summary>
    public IReadOnlyList<BertLayer> Layers => layer.ToList();

    /// <summary>Runs every layer on packed rows (<see cref="PackedTokens"/>); the input is not disposed, intermediate states are.</summary>
    internal Tensor ForwardPacked(Tensor packed, Tensor? additiveMask, PackedTokens layout)
    {
        Tensor current = packed;
        foreach (var block in layer)
        {
            var next = block.ForwardPacked(current, additiveMask, layout);
            if (!ReferenceEquals(current, packed))
            {
                current.Dispose();
            }
            current = next;
        }
        return ReferenceEquals(current, packed) ? packed.alias() : current;
    }

    /// <summary>Runs every layer; the input is not disposed, intermediate states are.</summary>
    public (Tensor Output, IReadOnlyList<Tensor>? Weights) Forward(Tensor hidden, Tensor? additiveMask, bool outputWeights = false)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        var weights = outputWeights ? new List<Tensor>() : null;
        Tensor current = hidden;
        foreach (var block in layer)
        {
            var (next, w) = block.Forward(current, additiveMask, outputWeights);
            if (!ReferenceEquals(current, hidden))
            {
                current.Dispose();
            }
            current = next;
            if (w is not null)
            {
                weights!.Add(w);
            }
        }
        return (ReferenceEquals(current, hidden) ? hidden.alias() : current, weights);
    }
}
