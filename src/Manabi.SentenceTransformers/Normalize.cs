using static TorchSharp.torch;

namespace Manabi.SentenceTransformers;

/// <summary>sentence-transformers' <c>Normalize</c> module: scales each sentence embedding to unit Euclidean length.</summary>
public sealed class Normalize : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module (it has no parameters).</summary>
    public Normalize() : base(nameof(Normalize))
    {
    }

    /// <summary>x / max(‖x‖₂, 1e-12) along the last dimension, as <c>torch.nn.functional.normalize</c>.</summary>
    public override Tensor forward(Tensor input) => nn.functional.normalize(input, 2.0, -1);
}
