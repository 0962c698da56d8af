using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Models.Bert;

/// <summary>Self-attention followed by its output block (HF <c>BertAttention</c>).</summary>
public sealed class BertAttention : nn.Module
{
#pragma warning disable IDE1006 // Field names are the state_dict keys of HF BertModel.
    private readonly BertSelfAttention self;
    private readonly BertSelfOutput output;
#pragma warning restore IDE1006

    /// <summary>Creates a freshly initialised block for <paramref name="config"/>.</summary>
    public BertAttention(BertConfig config) : base(nameof(BertAttention))
    {
        self = new BertSelfAttention(config);
        output = new BertSelfOutput(config);
        RegisterComponents();
    }

    /// <summary>Quantizes the projections (see <see cref="BertModel.QuantizeInt8"/>).</summary>
    internal void QuantizeInt8()
    {
        self.QuantizeInt8();
        output.QuantizeInt8();
    }

    internal bool IsQuantized => self.IsQuantized && output.IsQuantized;

    /// <summary>Attends and projects packed rows; see <see cref="BertSelfAttention.ForwardPacked"/>.</summary>
    internal Tensor ForwardPacked(Tensor packed, Tensor? additiveMask, PackedTokens layout)
    {
        using var context = self.ForwardPacked(packed, additiveMask, layout);
        return output.forward(context, packed);
    }

    /// <summary>Attends and projects; see <see cref="BertSelfAttention.Forward"/>.</summary>
    public (Tensor Output, Tensor? Weights) Forward(Tensor hidden, Tensor? additiveMask, bool outputWeights = false)
    {
        var (context, weights) = self.Forward(hidden, additiveMask, outputWeights);
        using (context)
        {
            return (output.forward(context, hidden), weights);
        }
    }
}
