using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Quantization;

/// <summary>
/// The int8 twin of one <see cref="Linear"/> of a module: empty until <see cref="Quantize"/>, after which
/// <see cref="Forward"/> runs the <see cref="DynamicInt8Linear"/> instead of the float32 layer. The module keeps its
/// <see cref="Linear"/> (and so its state_dict names); this only decides which of the two computes.
/// </summary>
internal sealed class QuantizableLinear(Linear dense, string module) : IDisposable
{
    private DynamicInt8Linear? _int8;

    /// <summary>Whether <see cref="Quantize"/> ran.</summary>
    public bool IsQuantized => _int8 is not null;

    /// <summary>Quantizes the layer's current weights; a second call does nothing.</summary>
    public void Quantize() => _int8 ??= DynamicInt8Linear.Quantize(dense.weight!, dense.bias);

    /// <summary>The int8 layer once quantized (refusing <paramref name="training"/> mode), else the float32 one.</summary>
    public Tensor Forward(Tensor input, bool training) => _int8 is { } int8 ? int8.Forward(input, training, module) : dense.forward(input);

    public void Dispose()
    {
        _int8?.Dispose();
        _int8 = null;
    }
}
