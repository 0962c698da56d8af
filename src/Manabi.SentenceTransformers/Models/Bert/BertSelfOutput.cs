using Manabi.SentenceTransformers.Quantization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Models.Bert;

/// <summary>The attention's output projection, residual connection and LayerNorm (HF <c>BertSelfOutput</c>).</summary>
public sealed class BertSelfOutput : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // Field names are the state_dict keys of HF BertModel.
    private readonly Linear dense;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;
#pragma warning restore IDE1006

    /// <summary>Creates a freshly initialised block for <paramref name="config"/>.</summary>
    public BertSelfOutput(BertConfig config) : base(nameof(BertSelfOutput))
    {
        ArgumentNullException.ThrowIfNull(config);
        dense = nn.Linear(config.HiddenSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        _quantizable = new QuantizableLinear(dense, nameof(BertSelfOutput));
        RegisterComponents();
    }

    // The dense layer's int8 twin (see BertModel.QuantizeInt8); a field, not a registered module, so state_dict is HF's.
    private readonly QuantizableLinear _quantizable;

    /// <summary>Whether <see cref="QuantizeInt8"/> ran: the dense layer then runs in int8.</summary>
    internal bool IsQuantized => _quantizable.IsQuantized;

    /// <summary>Quantizes the dense layer's current weights for inference; the float32 weights stay, so saving is unchanged.</summary>
    internal void QuantizeInt8() => _quantizable.Quantize();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _quantizable.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>LayerNorm(dropout(dense(<paramref name="context"/>)) + <paramref name="residual"/>).</summary>
    public override Tensor forward(Tensor context, Tensor residual)
    {
        using var scope = NewDisposeScope();
        var projected = _quantizable.Forward(context, training);
        return LayerNorm.forward(dropout.forward(projected).add_(residual)).MoveToOuterDisposeScope();
    }
}
