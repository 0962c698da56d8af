using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.Torch.Layers;

/// <summary>
/// Squeeze-and-Excitation (Hu et al.): squeeze each channel to its spatial mean, excite through a bottleneck
/// of two 1×1 convolutions (<c>fc1</c>, activation, <c>fc2</c>) and a gate, then scale the input channel-wise.
/// Both timm's <c>SEModule</c> and torchvision's <c>SqueezeExcitation</c> store exactly the keys
/// <c>fc1.weight</c>, <c>fc1.bias</c>, <c>fc2.weight</c>, <c>fc2.bias</c>; they differ in how the bottleneck
/// width is chosen, see <see cref="Timm"/> and <see cref="Torchvision"/>.
/// </summary>
public sealed class SqueezeExcitation : nn.Module<Tensor, Tensor>
{
    // Field names are the PyTorch attribute names: TorchSharp derives state_dict keys from them.
    private readonly Conv2d fc1;
    private readonly nn.Module<Tensor, Tensor> act;
    private readonly Conv2d fc2;
    private readonly nn.Module<Tensor, Tensor> gate;

    /// <summary>Creates the block with an explicit bottleneck width.</summary>
    /// <param name="channels">Input and output channels.</param>
    /// <param name="reducedChannels">Channels of the bottleneck.</param>
    /// <param name="activation">The bottleneck activation; ReLU when null.</param>
    /// <param name="gate">The gate; sigmoid when null.</param>
    /// <param name="device">Where the parameters live (<c>meta</c> builds the shapes without memory).</param>
    public SqueezeExcitation(long channels, long reducedChannels, nn.Module<Tensor, Tensor>? activation = null,
        nn.Module<Tensor, Tensor>? gate = null, Device? device = null) : base(nameof(SqueezeExcitation))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(reducedChannels, 1);
        Channels = channels;
        ReducedChannels = reducedChannels;
        fc1 = nn.Conv2d(channels, reducedChannels, 1, bias: true, device: device);
        act = activation ?? nn.ReLU();
        fc2 = nn.Conv2d(reducedChannels, channels, 1, bias: true, device: device);
        this.gate = gate ?? nn.Sigmoid();
        RegisterComponents();
    }

    /// <summary>Input and output channels.</summary>
    public long Channels { get; }

    /// <summary>Bottleneck channels.</summary>
    public long ReducedChannels { get; }

    /// <summary>
    /// timm's <c>SEModule(channels, rd_ratio, rd_divisor)</c>: the bottleneck is
    /// <c>make_divisible(channels·rd_ratio, rd_divisor, round_limit=0)</c>, e.g. 64 channels → 8.
    /// </summary>
    public static SqueezeExcitation Timm(long channels, double reductionRatio = 1.0 / 16, long reductionDivisor = 8,
        nn.Module<Tensor, Tensor>? activation = null, nn.Module<Tensor, Tensor>? gate = null, Device? device = null) =>
        new(channels, MakeDivisible(channels * reductionRatio, reductionDivisor, roundLimit: 0), activation, gate, device);

    /// <summary>torchvision's <c>SqueezeExcitation(input_channels, squeeze_channels)</c>: the bottleneck width is given.</summary>
    public static SqueezeExcitation Torchvision(long inputChannels, long squeezeChannels, Device? device = null) =>
        new(inputChannels, squeezeChannels, device: device);

    /// <summary>
    /// timm's <c>make_divisible</c>: rounds <paramref name="value"/> to the nearest multiple of
    /// <paramref name="divisor"/> (at least <paramref name="minValue"/>, default the divisor), adding one more
    /// divisor when rounding lost more than <c>1 − roundLimit</c> of the value.
    /// </summary>
    public static long MakeDivisible(double value, long divisor = 8, long? minValue = null, double roundLimit = 0.9)
    {
        long min = minValue ?? divisor;
        long rounded = Math.Max(min, (long)(value + divisor / 2.0) / divisor * divisor);
        if (rounded < roundLimit * value)
        {
            rounded += divisor;
        }
        return rounded;
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var squeezed = input.mean([2, 3], keepdim: true);
        var excited = gate.call(fc2.call(act.call(fc1.call(squeezed))));
        return (input * excited).MoveToOuterDisposeScope();
    }
}
