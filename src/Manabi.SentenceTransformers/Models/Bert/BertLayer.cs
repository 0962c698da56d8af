using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Models.Bert;

/// <summary>One transformer layer: attention, then feed-forward (HF <c>BertLayer</c>).</summary>
public sealed class BertLayer : nn.Module
{
#pragma warning disable IDE1006 // Field names are the state_dict keys of HF BertModel.
    private readonly BertAttention attention;
    private readonly BertIntermediate intermediate;
    private readonly BertOutput output;
#pragma warning restore IDE1006

    /// <summary>Creates a freshly initialised layer for <paramref name="config"/>.</summary>
    public BertLayer(BertConfig config) : base(nameof(BertLayer))
    {
        attention = new BertAttention(config);
        intermediate = new BertIntermediate(config);
        output = new BertOutput(config);
        RegisterComponents();
    }

    /// <summary>Quantizes the layer's linear layers (see <see cref="BertModel.QuantizeInt8"/>).</summary>
    internal void QuantizeInt8()
    {
        attention.QuantizeInt8();
        intermediate.QuantizeInt8();
        output.QuantizeInt8();
    }

    internal bool IsQuantized => attention.IsQuantized && intermediate.IsQuantized && output.IsQuantized;

    /// <summary>Transforms packed <c>[tokens, hidden]</c> rows; see <see cref="BertSelfAttention.ForwardPacked"/>.</summary>
    internal Tensor ForwardPacked(Tensor packed, Tensor? additiveMask, PackedTokens layout)
    {
        using var attended = attention.ForwardPacked(packed, additiveMask, layout);
        using var expanded = intermediate.forward(attended);
        return output.forward(expanded, attended);
    }

    /// <summary>Transforms <c>[batch, tokens, hidden]</c> states; see <see cref="BertSelfAttention.Forward"/> for the mask.</summary>
    public (Tensor Output, Tensor? Weights) Forward(Tensor hidden, Tensor? additiveMask, bool outputWeights = false)
    {
        var (attended, weights) = attention.Forward(hidden, additiveMask, outputWeights);
        using (attended)
        using (var expanded = intermediate.forward(attended))
        {
            return (output.forward(expanded, attended), weights);
        }
    }
}
