using Manabi.SentenceTransformers.Quantization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Models.Bert;

/// <summary>The feed-forward expansion and its activation (HF <c>BertIntermediate</c>).</summary>
public sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Field names are the state_dict keys of HF BertModel.
    private readonly Linear dense;
#pragma warning restore IDE1006
    private readonly Func<Tensor, Tensor> _activation;

    /// <summary>Creates a freshly initialised block for <paramref name="config"/>.</summary>
    public BertIntermediate(BertConfig config) : base(nameof(BertIntermediate))
    {
        ArgumentNullException.ThrowIfNull(config);
        dense = nn.Linear(config.HiddenSize, config.IntermediateSize);
        _activation = BertActivation.Resolve(config.HiddenAct);
        _quantizable = new QuantizableLinear(dense, nameof(BertIntermediate));
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

    /// <summary>activation(dense(<paramref name="hidden"/>)).</summary>
    public override Tensor forward(Tensor hidden)
    {
        using var projected = _quantizable.Forward(hidden, training);
        return _activation(projected);
    }
}
