using Manabi.Torch.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.Vision.Models;

/// <summary>The residual block type of a ResNet.</summary>
public enum ResNetBlockKind
{
    /// <summary>Two 3×3 convolutions (ResNet-18/34); expansion 1.</summary>
    Basic,

    /// <summary>1×1, 3×3, 1×1 convolutions (ResNet-50 and deeper); expansion 4.</summary>
    Bottleneck,
}

/// <summary>
/// The shape of a ResNet or SE-ResNet. <see cref="SmallInput"/> replaces the 7×7 stride-2 stem and max-pool
/// with one 3×3 stride-1 convolution, for 28×28 or 32×32 images; <see cref="Width"/> multiplies every channel count.
/// </summary>
/// <param name="Name">The model's name.</param>
/// <param name="Block">The residual block type.</param>
/// <param name="Layers">Blocks per stage, e.g. [2, 2, 2, 2] for ResNet-18.</param>
/// <param name="SqueezeExcitation">Whether each block recalibrates its residual branch with SE before the addition.</param>
/// <param name="SmallInput">A 3×3 stride-1 stem without max-pool.</param>
/// <param name="Width">Channel multiplier (1 = 64, 128, 256, 512 base widths).</param>
/// <param name="InChannels">Image channels.</param>
/// <param name="Classes">Output classes.</param>
public sealed record ResNetConfig(string Name, ResNetBlockKind Block, int[] Layers, bool SqueezeExcitation = false,
    bool SmallInput = false, double Width = 1.0, int InChannels = 3, int Classes = 1000)
{
    /// <summary>The block's channel expansion (1 basic, 4 bottleneck).</summary>
    public int Expansion => Block == ResNetBlockKind.Basic ? 1 : 4;

    /// <summary>The base (bottleneck) width of stage <paramref name="stage"/> (0-based).</summary>
    public long StageWidth(int stage) => Math.Max(1, (long)Math.Round((64 << stage) * Width));

    /// <summary>The stem's output channels.</summary>
    public long StemWidth => Math.Max(1, (long)Math.Round(64 * Width));

    /// <summary>The standard ImageNet ResNet-18/34/50 shapes (timm and torchvision layout).</summary>
    public static ResNetConfig Standard(int depth, bool squeezeExcitation, int classes = 1000, int inChannels = 3) => depth switch
    {
        18 => new ResNetConfig((squeezeExcitation ? "seresnet" : "resnet") + "18", ResNetBlockKind.Basic, [2, 2, 2, 2], squeezeExcitation, false, 1, inChannels, classes),
        34 => new ResNetConfig((squeezeExcitation ? "seresnet" : "resnet") + "34", ResNetBlockKind.Basic, [3, 4, 6, 3], squeezeExcitation, false, 1, inChannels, classes),
        50 => new ResNetConfig((squeezeExcitation ? "seresnet" : "resnet") + "50", ResNetBlockKind.Bottleneck, [3, 4, 6, 3], squeezeExcitation, false, 1, inChannels, classes),
        _ => throw new ArgumentOutOfRangeException(nameof(depth), depth, "ResNet depth must be 18, 34 or 50."),
    };
}

/// <summary>A ResNet basic block (timm <c>BasicBlock</c> keys), with optional SE on the residual branch.</summary>
public sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU act1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly SqueezeExcitation? se;
    private readonly ReLU act2;
    private readonly nn.Module<Tensor, Tensor>? downsample;

    /// <summary>Creates the block.</summary>
    public BasicBlock(long inChannels, long planes, long stride, bool squeezeExcitation, Device? device = null) : base(nameof(BasicBlock))
    {
        conv1 = nn.Conv2d(inChannels, planes, 3, stride: stride, padding: 1, bias: false, device: device);
        bn1 = nn.BatchNorm2d(planes, device: device);
        act1 = nn.ReLU(inplace: true);
        conv2 = nn.Conv2d(planes, planes, 3, padding: 1, bias: false, device: device);
        bn2 = nn.BatchNorm2d(planes, device: device);
        se = squeezeExcitation ? SqueezeExcitation.Timm(planes, device: device) : null;
        act2 = nn.ReLU(inplace: true);
        downsample = ResNet.Downsample(inChannels, planes, stride, device);
        RegisterComponents();
    }

    /// <summary>The last BatchNorm of the residual branch (zero-initialised so each block starts as the identity).</summary>
    internal BatchNorm2d LastNorm => bn2;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = act1.call(ConvBatchNorm.Forward(conv1, bn1, input));
        x = ConvBatchNorm.Forward(conv2, bn2, x);
        if (se is not null)
        {
            x = se.call(x);
        }
        var shortcut = downsample is null ? input : ConvBatchNorm.Forward(downsample, input);
        return act2.call(x.add_(shortcut)).MoveToOuterDisposeScope();
    }
}

/// <summary>A ResNet bottleneck block (timm <c>Bottleneck</c> keys), with optional SE on the residual branch.</summary>
public sealed class Bottleneck : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU act1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly ReLU act2;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;
    private readonly SqueezeExcitation? se;
    private readonly ReLU act3;
    private readonly nn.Module<Tensor, Tensor>? downsample;

    /// <summary>Creates the block; its output has 4·<paramref name="planes"/> channels.</summary>
    public Bottleneck(long inChannels, long planes, long stride, bool squeezeExcitation, Device? device = null) : base(nameof(Bottleneck))
    {
        long outChannels = planes * 4;
        conv1 = nn.Conv2d(inChannels, planes, 1, bias: false, device: device);
        bn1 = nn.BatchNorm2d(planes, device: device);
        act1 = nn.ReLU(inplace: true);
        conv2 = nn.Conv2d(planes, planes, 3, stride: stride, padding: 1, bias: false, device: device);
        bn2 = nn.BatchNorm2d(planes, device: device);
        act2 = nn.ReLU(inplace: true);
        conv3 = nn.Conv2d(planes, outChannels, 1, bias: false, device: device);
        bn3 = nn.BatchNorm2d(outChannels, device: device);
        se = squeezeExcitation ? SqueezeExcitation.Timm(outChannels, device: device) : null;
        act3 = nn.ReLU(inplace: true);
        downsample = ResNet.Downsample(inChannels, outChannels, stride, device);
        RegisterComponents();
    }

    /// <summary>The last BatchNorm of the residual branch.</summary>
    internal BatchNorm2d LastNorm => bn3;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = act1.call(ConvBatchNorm.Forward(conv1, bn1, input));
        x = act2.call(ConvBatchNorm.Forward(conv2, bn2, x));
        x = ConvBatchNorm.Forward(conv3, bn3, x);
        if (se is not null)
        {
            x = se.call(x);
        }
        var shortcut = downsample is null ? input : ConvBatchNorm.Forward(downsample, input);
        return act3.call(x.add_(shortcut)).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// ResNet and SE-ResNet (He et al.; Hu et al.) with timm's state_dict layout (<c>conv1</c>, <c>bn1</c>,
/// <c>layer1</c>…<c>layer4</c>, <c>fc</c>), so timm and torchvision ResNet weights load unchanged, and timm's model
/// contract (<see cref="IVisionModel"/>): unpooled <see cref="ForwardFeatures"/>, <see cref="ForwardHead"/>,
/// <see cref="ForwardIntermediates"/> over the stem and the four stages, <see cref="ResetClassifier"/>.
/// </summary>
public sealed class ResNet : nn.Module<Tensor, Tensor>, IVisionModel
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU act1;
    private readonly nn.Module<Tensor, Tensor> maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    // A Linear, or the identity with no classes (timm's num_classes=0), which has no state_dict keys.
    private nn.Module<Tensor, Tensor> fc;

    /// <summary>Creates the network; on the <c>meta</c> device it only records shapes.</summary>
    public ResNet(ResNetConfig config, Device? device = null) : base(config?.Name ?? nameof(ResNet))
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Layers.Length != 4)
        {
            throw new ArgumentException("A ResNet has four stages.", nameof(config));
        }
        Config = config;
        long stem = config.StemWidth;
        conv1 = config.SmallInput
            ? nn.Conv2d(config.InChannels, stem, 3, stride: 1, padding: 1, bias: false, device: device)
            : nn.Conv2d(config.InChannels, stem, 7, stride: 2, padding: 3, bias: false, device: device);
        bn1 = nn.BatchNorm2d(stem, device: device);
        act1 = nn.ReLU(inplace: true);
        maxpool = config.SmallInput ? nn.Identity() : nn.MaxPool2d(3, stride: 2, padding: 1);
        long channels = stem;
        var stages = new Sequential[4];
        for (int i = 0; i < 4; i++)
        {
            (stages[i], channels) = MakeStage(config, channels, config.StageWidth(i), config.Layers[i], i == 0 ? 1 : 2, device);
        }
        (layer1, layer2, layer3, layer4) = (stages[0], stages[1], stages[2], stages[3]);
        FeatureChannels = channels;
        FeatureInfo = StageFeatureInfo(config);
        // Zero classes gives a headless feature extractor, as timm's num_classes=0.
        fc = config.Classes > 0 ? nn.Linear(channels, config.Classes, device: device) : nn.Identity();
        NumClasses = Math.Max(0, config.Classes);
        RegisterComponents();
        Initialize(this);
    }

    /// <summary>The configuration this network was built from.</summary>
    public ResNetConfig Config { get; }

    /// <summary>Channels entering the classifier.</summary>
    public long FeatureChannels { get; }

    /// <inheritdoc/>
    public long NumFeatures => FeatureChannels;

    /// <inheritdoc/>
    public int NumClasses { get; private set; }

    /// <summary>
    /// timm's <c>feature_info</c>: the stem's activation (<c>act1</c>, before the max-pool) and the four stages'
    /// outputs, indices 0 to 4, with their channels and reductions.
    /// </summary>
    public IReadOnlyList<FeatureInfo> FeatureInfo { get; }

    /// <summary>The feature maps of a ResNet or ABN backbone of shape <paramref name="config"/>, as timm numbers them.</summary>
    internal static IReadOnlyList<FeatureInfo> StageFeatureInfo(ResNetConfig config, string lastStage = "layer4")
    {
        int reduction = config.SmallInput ? 1 : 2;
        var info = new List<FeatureInfo> { new(config.StemWidth, reduction, "act1") };
        if (!config.SmallInput)
        {
            reduction *= 2;
        }
        for (int i = 0; i < 4; i++)
        {
            if (i > 0)
            {
                reduction *= 2;
            }
            info.Add(new(config.StageWidth(i) * config.Expansion, reduction, i == 3 ? lastStage : $"layer{i + 1}"));
        }
        return info;
    }

    /// <summary>Builds one stage: the first block changes stride and width, the rest keep them.</summary>
    public static (Sequential Stage, long OutChannels) MakeStage(ResNetConfig config, long inChannels, long planes, int blocks, long stride, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var modules = new List<nn.Module<Tensor, Tensor>>(blocks);
        long channels = inChannels;
        for (int b = 0; b < blocks; b++)
        {
            long s = b == 0 ? stride : 1;
            modules.Add(config.Block == ResNetBlockKind.Basic
                ? new BasicBlock(channels, planes, s, config.SqueezeExcitation, device)
                : new Bottleneck(channels, planes, s, config.SqueezeExcitation, device));
            channels = planes * config.Expansion;
        }
        return (nn.Sequential(modules.ToArray()), channels);
    }

    /// <summary>A 1×1 convolution and BatchNorm matching a block's shortcut to its output, or null when none is needed.</summary>
    internal static nn.Module<Tensor, Tensor>? Downsample(long inChannels, long outChannels, long stride, Device? device) =>
        stride == 1 && inChannels == outChannels
            ? null
            : nn.Sequential(
                nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: false, device: device),
                nn.BatchNorm2d(outChannels, device: device));

    /// <summary>
    /// timm's ResNet initialisation: Kaiming-normal (fan-out, ReLU) convolutions, unit BatchNorm, and the last
    /// BatchNorm of each residual branch at zero so that every block starts as the identity.
    /// </summary>
    internal static void Initialize(nn.Module module)
    {
        using var noGrad = no_grad();
        foreach (var (_, child) in module.named_modules())
        {
            switch (child)
            {
                case Conv2d conv:
                    nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                    break;
                case BatchNorm2d norm:
                    nn.init.ones_(norm.weight);
                    nn.init.zeros_(norm.bias);
                    break;
            }
        }
        foreach (var (_, child) in module.named_modules())
        {
            switch (child)
            {
                case BasicBlock basic:
                    nn.init.zeros_(basic.LastNorm.weight);
                    break;
                case Bottleneck bottleneck:
                    nn.init.zeros_(bottleneck.LastNorm.weight);
                    break;
            }
        }
    }

    /// <summary>The stem: convolution, BatchNorm, ReLU and (for ImageNet inputs) max-pool.</summary>
    public Tensor ForwardStem(Tensor input) => maxpool.call(act1.call(ConvBatchNorm.Forward(conv1, bn1, input)));

    /// <summary>Stage <paramref name="index"/> (0-based) of the four.</summary>
    public Sequential Stage(int index) => index switch
    {
        0 => layer1,
        1 => layer2,
        2 => layer3,
        3 => layer4,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, "A ResNet has stages 0 to 3."),
    };

    /// <summary>The classifier layer.</summary>
    /// <exception cref="InvalidOperationException">The network has no classifier (0 classes).</exception>
    public Linear Classifier => fc as Linear ?? throw new InvalidOperationException($"{Config.Name} has no classifier (0 classes).");

    /// <summary>The last stage's feature maps (batch, <see cref="FeatureChannels"/>, height, width), not pooled (timm <c>forward_features</c>).</summary>
    public Tensor ForwardFeatures(Tensor input)
    {
        CheckInput(input);
        using var scope = NewDisposeScope();
        return layer4.call(layer3.call(layer2.call(layer1.call(ForwardStem(input))))).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Global average pooling of <see cref="ForwardFeatures"/>' maps, then the classifier; with
    /// <paramref name="preLogits"/> the pooled (batch, <see cref="FeatureChannels"/>) features (timm <c>forward_head</c>).
    /// </summary>
    public Tensor ForwardHead(Tensor features, bool preLogits = false) =>
        ClassifierHeads.PoolAndClassify(features, fc, preLogits, Config.Name);

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return ForwardHead(ForwardFeatures(input)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// timm's <c>forward_intermediates</c>: the maps of <see cref="FeatureInfo"/> that <paramref name="indices"/> picks
    /// (0 the stem's activation before the max-pool, 1–4 the stages; null all; negative from the end), in network order.
    /// </summary>
    /// <param name="input">Images (batch, channels, height, width).</param>
    /// <param name="indices">Which maps; null for all five.</param>
    /// <param name="norm">Ignored: a ResNet has no final norm (as in timm).</param>
    /// <param name="stopEarly">Skip the stages after the last one asked for.</param>
    public IReadOnlyList<Tensor> ForwardIntermediates(Tensor input, IReadOnlyList<int>? indices = null, bool norm = false, bool stopEarly = false)
    {
        CheckInput(input);
        var (take, max) = FeatureIndices.Resolve(FeatureInfo.Count, indices);
        using var scope = NewDisposeScope();
        var outputs = new List<Tensor>();
        var x = act1.call(ConvBatchNorm.Forward(conv1, bn1, input));
        if (take.Contains(0))
        {
            outputs.Add(x);
        }
        x = maxpool.call(x);
        int last = stopEarly ? max : 4;
        for (int i = 1; i <= last; i++)
        {
            x = Stage(i - 1).call(x);
            if (take.Contains(i))
            {
                outputs.Add(x);
            }
        }
        foreach (var output in outputs)
        {
            output.MoveToOuterDisposeScope();
        }
        return outputs;
    }

    /// <summary>
    /// Replaces <c>fc</c> with a new Linear layer for <paramref name="numClasses"/> classes (PyTorch's default
    /// initialisation, as timm), or with the identity for 0; the old classifier is disposed.
    /// </summary>
    public void ResetClassifier(int numClasses)
    {
        var replacement = ClassifierHeads.Create(FeatureChannels, numClasses, bn1.weight!, training);
        // The indexer replaces the registration in place, so `fc` keeps its position among the modules.
        _internal_submodules["fc"] = replacement;
        fc.Dispose();
        fc = replacement;
        NumClasses = numClasses;
    }

    /// <summary>
    /// Class activation maps (Zhou et al.): the last stage's feature maps weighted by the classifier row of the
    /// predicted class, clamped at zero and scaled to a maximum of 1 per image; (batch, h, w) and the predictions.
    /// </summary>
    /// <exception cref="InvalidOperationException">The network has no classifier (0 classes).</exception>
    public (Tensor Maps, Tensor Predictions) ClassActivationMap(Tensor input)
    {
        var classifier = Classifier;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var features = ForwardFeatures(input);
        var predictions = ForwardHead(features).argmax(1);
        var weights = classifier.weight.index_select(0, predictions);
        var maps = einsum("bc,bchw->bhw", weights, features).clamp_min(0);
        maps = maps / maps.amax([1, 2], keepdim: true).clamp_min(1e-12);
        return (maps.MoveToOuterDisposeScope(), predictions.MoveToOuterDisposeScope());
    }

    private void CheckInput(Tensor input)
    {
        if (input.dim() != 4 || input.shape[1] != Config.InChannels)
        {
            throw new ArgumentException(
                $"{Config.Name} expects images of shape (batch, {Config.InChannels}, height, width) but got ({string.Join(", ", input.shape)}).", nameof(input));
        }
    }
}
