using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.Torch.Layers;

/// <summary>Per-channel learned scaling of a residual branch (CaiT), timm key <c>gamma</c>.</summary>
public sealed class LayerScale : nn.Module<Tensor, Tensor>
{
    private readonly Parameter gamma;

    /// <summary>Creates the scale, every channel starting at <paramref name="initialValue"/>.</summary>
    public LayerScale(long dimension, double initialValue = 1e-5, Device? device = null) : base(nameof(LayerScale))
    {
        gamma = new Parameter(full(dimension, initialValue, device: device));
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => input * gamma;
}
