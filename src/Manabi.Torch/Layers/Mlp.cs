using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.Torch.Layers;

/// <summary>The transformer feed-forward block: <c>fc1</c>, GELU, dropout, <c>fc2</c>, dropout (timm <c>Mlp</c>).</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly GELU act;
    private readonly Dropout drop1;
    private readonly Linear fc2;
    private readonly Dropout drop2;

    /// <summary>Creates the block.</summary>
    public Mlp(long inFeatures, long hiddenFeatures, long? outFeatures = null, double dropout = 0, Device? device = null) : base(nameof(Mlp))
    {
        fc1 = nn.Linear(inFeatures, hiddenFeatures, device: device);
        act = nn.GELU();
        drop1 = nn.Dropout(dropout);
        fc2 = nn.Linear(hiddenFeatures, outFeatures ?? inFeatures, device: device);
        drop2 = nn.Dropout(dropout);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var hidden = drop1.call(act.call(fc1.call(input)));
        return drop2.call(fc2.call(hidden)).MoveToOuterDisposeScope();
    }
}
