using Manabi.Torch.Layers;
using Manabi.Torch.Runtime;
using Manabi.Torch.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Vision.Models;

/// <summary>The kind of network a named vision model is.</summary>
public enum VisionModelFamily
{
    /// <summary>ResNet or SE-ResNet.</summary>
    ResNet,

    /// <summary>Attention Branch Network over a ResNet.</summary>
    AttentionBranch,

    /// <summary>Vision Transformer.</summary>
    VisionTransformer,
}

/// <summary>A named vision model, its default input and output shapes and its preprocessing.</summary>
/// <param name="Name">The name accepted by <see cref="VisionModels.Create"/>.</param>
/// <param name="Family">The kind of network.</param>
/// <param name="Description">One line for people.</param>
/// <param name="ImageSize">Default square image side.</param>
/// <param name="Channels">Default image channels.</param>
/// <param name="Classes">Default classes.</param>
/// <param name="Preprocessing">
/// The evaluation preprocessing at the default shape, as timm's <c>pretrained_cfg</c>: timm's ResNet or ViT defaults
/// for ImageNet shapes, the Fashion-MNIST statistics the trainer computes for the 28×28 models.
/// </param>
public sealed record VisionModelInfo(string Name, VisionModelFamily Family, string Description, int ImageSize, int Channels, int Classes,
    VisionPreprocessing Preprocessing);

/// <summary>
/// The named vision models: ImageNet-shaped ResNet/SE-ResNet 18/34/50 (timm layout), small-input variants for
/// 28×28 images (3×3 stem, no max-pool, half or quarter width), ABN over those, small ViTs for 28×28 images (patch 4 or 7,
/// or a convolutional stem), and every
/// named ViT ("ViT-L/16", "vit_large_patch16_224").
/// </summary>
public static class VisionModels
{
    /// <summary>The width multiplier of the small-input ResNets (stage widths 32, 64, 128, 256).</summary>
    public const double SmallWidth = 0.5;

    /// <summary>
    /// The width multiplier of the tiny small-input ResNets (stage widths 16, 32, 64, 128): about a quarter of the
    /// small ones' FLOPs, so about four times the epochs in the same minutes.
    /// </summary>
    public const double TinyWidth = 0.25;

    private static readonly VisionModelInfo[] Fixed =
    [
        ImageNetResNet("resnet18", "ResNet-18 (timm/torchvision layout)"),
        ImageNetResNet("resnet34", "ResNet-34"),
        ImageNetResNet("resnet50", "ResNet-50 (bottleneck)"),
        ImageNetResNet("seresnet18", "SE-ResNet-18 (timm layout)"),
        ImageNetResNet("seresnet34", "SE-ResNet-34"),
        ImageNetResNet("seresnet50", "SE-ResNet-50 (bottleneck)"),
        Small("resnet18-small", VisionModelFamily.ResNet, "ResNet-18 for 28×28: 3×3 stem, no max-pool, width ×0.5"),
        Small("seresnet18-small", VisionModelFamily.ResNet, "SE-ResNet-18 for 28×28: 3×3 stem, no max-pool, width ×0.5"),
        Small("resnet18-tiny", VisionModelFamily.ResNet, "ResNet-18 for 28×28: 3×3 stem, no max-pool, width ×0.25"),
        Small("seresnet18-tiny", VisionModelFamily.ResNet, "SE-ResNet-18 for 28×28: 3×3 stem, no max-pool, width ×0.25"),
        Small("abn-resnet18-small", VisionModelFamily.AttentionBranch, "Attention Branch Network on resnet18-small"),
        Small("abn-seresnet18-small", VisionModelFamily.AttentionBranch, "Attention Branch Network on seresnet18-small"),
        Small("vit-small28", VisionModelFamily.VisionTransformer, "ViT for 28×28: patch 4, width 192, 6 blocks, 3 heads"),
        Small("vit-small28-p7", VisionModelFamily.VisionTransformer, "ViT for 28×28: patch 7 (16 tokens, ~3× cheaper), width 192, 6 blocks, 3 heads"),
        Small("vit-small28-conv", VisionModelFamily.VisionTransformer, "vit-small28 with a convolutional stem (Xiao et al. 2021): two 3×3 stride-2 conv-BN-ReLU, 1×1 conv to width 192"),
    ];

    /// <summary>Every named model: the fixed ones, then each named ViT configuration.</summary>
    public static IReadOnlyList<VisionModelInfo> All { get; } =
    [
        .. Fixed,
        .. VisionTransformerConfig.Named().Select(c => new VisionModelInfo(c.Name, VisionModelFamily.VisionTransformer,
            $"{c.TimmName}: width {c.EmbedDim}, {c.Depth} blocks, {c.Heads} heads", c.ImageSize, c.InChannels, c.Classes,
            VisionPreprocessing.VisionTransformerImageNet(c.ImageSize, c.InChannels))),
    ];

    private static VisionModelInfo ImageNetResNet(string name, string description) =>
        new(name, VisionModelFamily.ResNet, description, 224, 3, 1000, VisionPreprocessing.ResNetImageNet());

    private static VisionModelInfo Small(string name, VisionModelFamily family, string description) =>
        new(name, family, description, 28, 1, 10, VisionPreprocessing.FashionMnist());

    /// <summary>The model's info, also for ViT names not in <see cref="All"/> (e.g. "vit_base_patch16_384"); null when unknown.</summary>
    public static VisionModelInfo? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var known = All.FirstOrDefault(m => m.Name.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase));
        if (known is not null)
        {
            return known;
        }
        var vit = VisionTransformerConfig.TryParse(name);
        return vit is null ? null : new VisionModelInfo(name.Trim(), VisionModelFamily.VisionTransformer, vit.TimmName ?? vit.Name, vit.ImageSize, 3, 1000,
            VisionPreprocessing.VisionTransformerImageNet(vit.ImageSize));
    }

    /// <summary>The model's info, or an <see cref="ArgumentException"/> listing the valid names.</summary>
    public static VisionModelInfo Get(string name) => Find(name) ?? throw new ArgumentException(
        $"Unknown model '{name}'. Valid models: {string.Join(", ", All.Select(m => m.Name))} (and any vit_<size>_patch<P>_<image>).", nameof(name));

    /// <summary>
    /// Creates a named model; null shape arguments take the model's defaults. Convolutional models (ResNet, SE-ResNet,
    /// ABN) come with channels-last weights (<see cref="ChannelsLast"/>), which trains them faster on the CPU.
    /// </summary>
    /// <param name="name">The model's name.</param>
    /// <param name="classes">Output classes; null for the model's.</param>
    /// <param name="imageSize">Square image side; null for the model's.</param>
    /// <param name="channels">Image channels; null for the model's.</param>
    /// <param name="device">Where to create the weights.</param>
    /// <param name="dropPath">
    /// A ViT's stochastic-depth rate of the last block (<see cref="VisionTransformerConfig.DropPath"/>), in [0, 1); it
    /// changes no weights, only training. Other models take only 0.
    /// </param>
    /// <exception cref="ArgumentException">Unknown name, impossible shape, or a drop-path rate the model cannot take; the message says which.</exception>
    public static nn.Module<Tensor, Tensor> Create(string name, int? classes = null, int? imageSize = null, int? channels = null, Device? device = null,
        double dropPath = 0)
    {
        var info = Get(name);
        int k = classes ?? info.Classes;
        int size = imageSize ?? info.ImageSize;
        int c = channels ?? info.Channels;
        if (k < 0 || size <= 0 || c <= 0)
        {
            throw new ArgumentException($"{info.Name}: classes, image size and channels must be positive.", nameof(classes));
        }
        if (!(dropPath >= 0 && dropPath < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(dropPath), dropPath, $"{info.Name}: the drop-path rate must be in [0, 1), got {dropPath}.");
        }
        if (TransformerConfig(info, k, size, c) is { } config)
        {
            var transformer = new VisionTransformer(config with { DropPath = dropPath }, device);
            // A convolutional stem is a small CNN: channels-last makes its 3×3 convolutions cheaper (forward and
            // backward of a batch of 128 at 2 threads: 106 ms NCHW, 80 ms NHWC), and its NHWC output flattens to
            // (batch, tokens, width) without a copy. Patchify ViTs keep their layout (a 1-channel patchify
            // weight already is both).
            return config.ConvStem ? ChannelsLast.Apply(transformer) : transformer;
        }
        if (dropPath != 0)
        {
            throw new ArgumentException($"{info.Name}: drop path (stochastic depth) is a Vision Transformer option; {info.Name} has no transformer blocks.", nameof(dropPath));
        }
        string key = info.Name.ToLowerInvariant();
        switch (key)
        {
            case "resnet18" or "resnet34" or "resnet50" or "seresnet18" or "seresnet34" or "seresnet50":
                return ChannelsLast.Apply(new ResNet(ResNetConfig.Standard(int.Parse(key[^2..], System.Globalization.CultureInfo.InvariantCulture), key.StartsWith("se", StringComparison.Ordinal), k, c), device));
            case "resnet18-small" or "seresnet18-small":
                return ChannelsLast.Apply(new ResNet(SmallResNet(key, k, c), device));
            case "resnet18-tiny" or "seresnet18-tiny":
                return ChannelsLast.Apply(new ResNet(SmallResNet(key, k, c, TinyWidth), device));
            case "abn-resnet18-small" or "abn-seresnet18-small":
                return ChannelsLast.Apply(new AttentionBranchNetwork(SmallResNet(key[4..], k, c), device: device));
            default:
                throw new ArgumentException($"Unknown model '{name}'.", nameof(name));
        }
    }

    /// <summary>The ViT configuration of a named model at a shape (its default shape when null); null for models that are not ViTs.</summary>
    /// <exception cref="ArgumentException">Unknown name, or a ViT name whose patch does not divide the image size.</exception>
    public static VisionTransformerConfig? TransformerConfig(string name, int? classes = null, int? imageSize = null, int? channels = null)
    {
        var info = Get(name);
        return TransformerConfig(info, classes ?? info.Classes, imageSize ?? info.ImageSize, channels ?? info.Channels);
    }

    private static VisionTransformerConfig? TransformerConfig(VisionModelInfo info, int classes, int size, int channels) =>
        info.Family != VisionModelFamily.VisionTransformer ? null : info.Name.ToLowerInvariant() switch
        {
            "vit-small28" => new VisionTransformerConfig(info.Name, size, 4, channels, classes, 192, 6, 3),
            "vit-small28-p7" => new VisionTransformerConfig(info.Name, size, 7, channels, classes, 192, 6, 3),
            // Same width, depth and heads as vit-small28, so the two compare the stems alone.
            "vit-small28-conv" => new VisionTransformerConfig(info.Name, size, 4, channels, classes, 192, 6, 3) { ConvStem = true },
            _ => VisionTransformerConfig.Parse(info.Name, size, channels, classes) with { Name = info.Name },
        };

    /// <summary>The parameter count of a named model, computed on the <c>meta</c> device (no memory, no initialisation cost).</summary>
    public static long ParameterCount(string name, int? classes = null, int? imageSize = null, int? channels = null)
    {
        TorchRuntime.EnsureLoaded();
        using var model = Create(name, classes, imageSize, channels, META);
        return StateDicts.ParameterCount(model);
    }

    private static ResNetConfig SmallResNet(string key, int classes, int channels, double width = SmallWidth) =>
        new(key, ResNetBlockKind.Basic, [2, 2, 2, 2], key.StartsWith("se", StringComparison.Ordinal), SmallInput: true, Width: width, channels, classes);
}
