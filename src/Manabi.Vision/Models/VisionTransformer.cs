using System.Globalization;
using System.Text.RegularExpressions;
using Manabi.Torch.Layers;
using Manabi.Torch.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.Vision.Models;

/// <summary>How a Vision Transformer pools its tokens for the classifier.</summary>
public enum VisionTransformerPooling
{
    /// <summary>The class token after the final norm (timm <c>global_pool='token'</c>).</summary>
    Token,

    /// <summary>The mean of the patch tokens, then a norm (<c>fc_norm</c>) (timm <c>global_pool='avg'</c>).</summary>
    Average,
}

/// <summary>
/// The shape of a Vision Transformer (Dosovitskiy et al.) with timm's semantics. Named sizes: Ti (192 wide,
/// 12 deep, 3 heads), S (384, 12, 6), B (768, 12, 12), L (1024, 24, 16), H (1280, 32, 16), all with MLP ratio 4.
/// </summary>
/// <param name="Name">The model's name.</param>
/// <param name="ImageSize">Square image side in pixels.</param>
/// <param name="PatchSize">Square patch side in pixels.</param>
/// <param name="InChannels">Image channels.</param>
/// <param name="Classes">Output classes; 0 for no head.</param>
/// <param name="EmbedDim">Token width.</param>
/// <param name="Depth">Transformer blocks.</param>
/// <param name="Heads">Attention heads.</param>
/// <param name="MlpRatio">MLP hidden width over token width.</param>
/// <param name="QkvBias">Whether the qkv projection has a bias.</param>
/// <param name="LayerScaleInit">LayerScale initial value; null for none.</param>
/// <param name="DropPath">Stochastic-depth rate of the last block (linearly increasing from 0).</param>
/// <param name="Dropout">Dropout after the embedding, in the MLP and after projections.</param>
/// <param name="Pooling">Class token or average pooling.</param>
public sealed record VisionTransformerConfig(string Name, int ImageSize, int PatchSize, int InChannels, int Classes,
    int EmbedDim, int Depth, int Heads, double MlpRatio = 4.0, bool QkvBias = true, double? LayerScaleInit = null,
    double DropPath = 0, double Dropout = 0, VisionTransformerPooling Pooling = VisionTransformerPooling.Token)
{
    /// <summary>
    /// A convolutional stem (<see cref="ConvStemEmbed"/>: 3×3 stride-2 convolutions with BatchNorm and ReLU, then a 1×1
    /// convolution, as in Xiao et al. 2021) instead of the patchify convolution; the patch size must be a power of two.
    /// Its weights are <c>patch_embed.stem.N</c> and <c>patch_embed.proj</c>.
    /// </summary>
    public bool ConvStem { get; init; }

    /// <summary>The named sizes: short name, timm name, width, depth, heads.</summary>
    public static IReadOnlyList<(string Short, string Long, int Width, int Depth, int Heads)> Sizes { get; } =
    [
        ("Ti", "tiny", 192, 12, 3),
        ("S", "small", 384, 12, 6),
        ("B", "base", 768, 12, 12),
        ("L", "large", 1024, 24, 16),
        ("H", "huge", 1280, 32, 16),
    ];

    /// <summary>The patch sizes of the named configurations.</summary>
    public static IReadOnlyList<int> NamedPatchSizes { get; } = [14, 16, 32];

    /// <summary>Every named configuration "ViT-Size/Patch" at 224 pixels, 3 channels, 1000 classes.</summary>
    public static IEnumerable<VisionTransformerConfig> Named() =>
        from size in Sizes from patch in NamedPatchSizes select Parse($"ViT-{size.Short}/{patch}");

    /// <summary>Patches per side.</summary>
    public int GridSize => ImageSize / PatchSize;

    /// <summary>The timm-style name, e.g. <c>vit_large_patch16_224</c>, when the width, depth and heads are a named size.</summary>
    public string? TimmName => Sizes.FirstOrDefault(s => s.Width == EmbedDim && s.Depth == Depth && s.Heads == Heads) is { Long: not null } s
        ? $"vit_{s.Long}_patch{PatchSize}_{ImageSize}" : null;

    private static readonly Regex ShortName = new(@"^vit-(?<size>ti|s|b|l|h)/(?<patch>\d+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex LongName = new(@"^vit_(?<size>tiny|small|base|large|huge)_patch(?<patch>\d+)(_(?<image>\d+))?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>
    /// Parses "ViT-L/16" or "vit_large_patch16_224" (case-insensitive). Returns null when the name is neither form.
    /// The image size is <paramref name="imageSize"/> when given, else the name's (the <c>_224</c> suffix), else 224.
    /// </summary>
    public static VisionTransformerConfig? TryParse(string name, int? imageSize = null, int inChannels = 3, int classes = 1000)
    {
        ArgumentNullException.ThrowIfNull(name);
        var match = ShortName.Match(name.Trim());
        bool isLong = false;
        if (!match.Success)
        {
            match = LongName.Match(name.Trim());
            isLong = match.Success;
        }
        if (!match.Success)
        {
            return null;
        }
        string size = match.Groups["size"].Value.ToLowerInvariant();
        var entry = Sizes.First(s => isLong ? s.Long == size : s.Short.Equals(size, StringComparison.OrdinalIgnoreCase));
        int patch = int.Parse(match.Groups["patch"].Value, CultureInfo.InvariantCulture);
        int image = imageSize ?? (isLong && match.Groups["image"].Success ? int.Parse(match.Groups["image"].Value, CultureInfo.InvariantCulture) : 224);
        if (patch <= 0 || image % patch != 0)
        {
            throw new ArgumentException($"'{name}': the image size {image} is not a multiple of the patch size {patch}.", nameof(name));
        }
        return new VisionTransformerConfig($"ViT-{entry.Short}/{patch}", image, patch, inChannels, classes, entry.Width, entry.Depth, entry.Heads);
    }

    /// <summary>Parses like <see cref="TryParse"/> but throws, listing the accepted forms, for an unknown name.</summary>
    public static VisionTransformerConfig Parse(string name, int? imageSize = null, int inChannels = 3, int classes = 1000) =>
        TryParse(name, imageSize, inChannels, classes) ?? throw new ArgumentException(
            $"'{name}' is not a ViT name: use ViT-<Ti|S|B|L|H>/<patch> (e.g. ViT-L/16) or vit_<tiny|small|base|large|huge>_patch<P>_<image> (e.g. vit_base_patch16_224).",
            nameof(name));
}

/// <summary>The layout of a ViT's intermediate outputs (timm's <c>output_fmt</c>); either way without the class token.</summary>
public enum IntermediateFormat
{
    /// <summary>Patch tokens as a feature map (batch, dim, grid height, grid width), timm's default.</summary>
    Nchw,

    /// <summary>Patch tokens as a sequence (batch, patches, dim).</summary>
    Nlc,
}

/// <summary>
/// A Vision Transformer with timm's <c>VisionTransformer</c> semantics and state_dict keys (<c>cls_token</c>,
/// <c>pos_embed</c>, <c>patch_embed.proj</c>, <c>blocks.N.{norm1,attn.qkv,attn.proj,norm2,mlp.fc1,mlp.fc2}</c>,
/// <c>norm</c> or <c>fc_norm</c>, <c>head</c>), so timm weights load unchanged, and timm's model contract
/// (<see cref="IVisionModel"/>).
/// </summary>
public sealed class VisionTransformer : nn.Module<Tensor, Tensor>, IVisionModel
{
    private readonly Parameter cls_token;
    private readonly Parameter pos_embed;
    // PatchEmbed (timm's patchify convolution) or ConvStemEmbed; the field's name is the state_dict prefix either way.
    private readonly nn.Module<Tensor, Tensor> patch_embed;
    private readonly Dropout pos_drop;
    private readonly ModuleList<TransformerBlock> blocks;
    private readonly nn.Module<Tensor, Tensor> norm;
    private readonly nn.Module<Tensor, Tensor> fc_norm;
    private readonly Dropout head_drop;
    private nn.Module<Tensor, Tensor> head;

    /// <summary>Creates the network; on the <c>meta</c> device it only records shapes.</summary>
    public VisionTransformer(VisionTransformerConfig config, Device? device = null) : base(config?.Name ?? nameof(VisionTransformer))
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        const double normEps = 1e-6;
        patch_embed = config.ConvStem
            ? new ConvStemEmbed(config.ImageSize, config.PatchSize, config.InChannels, config.EmbedDim, device)
            : new PatchEmbed(config.ImageSize, config.PatchSize, config.InChannels, config.EmbedDim, device);
        cls_token = new Parameter(zeros([1, 1, config.EmbedDim], device: device));
        pos_embed = new Parameter(zeros([1, (long)config.GridSize * config.GridSize + 1, config.EmbedDim], device: device));
        pos_drop = nn.Dropout(config.Dropout);
        var blockList = new List<TransformerBlock>(config.Depth);
        for (int i = 0; i < config.Depth; i++)
        {
            double dropPath = config.Depth > 1 ? config.DropPath * i / (config.Depth - 1) : config.DropPath;
            blockList.Add(new TransformerBlock(config.EmbedDim, config.Heads, config.MlpRatio, config.QkvBias, config.LayerScaleInit,
                dropPath, config.Dropout, 0, normEps, device));
        }
        blocks = nn.ModuleList(blockList.ToArray());
        bool average = config.Pooling == VisionTransformerPooling.Average;
        norm = average ? nn.Identity() : nn.LayerNorm(config.EmbedDim, eps: normEps, device: device);
        fc_norm = average ? nn.LayerNorm(config.EmbedDim, eps: normEps, device: device) : nn.Identity();
        head_drop = nn.Dropout(config.Dropout);
        head = config.Classes > 0 ? nn.Linear(config.EmbedDim, config.Classes, device: device) : nn.Identity();
        NumClasses = Math.Max(0, config.Classes);
        FeatureInfo = Enumerable.Range(0, config.Depth).Select(i => new FeatureInfo(config.EmbedDim, config.PatchSize, $"blocks.{i}")).ToArray();
        RegisterComponents();
        Initialize();
    }

    /// <summary>The configuration this network was built from (its <see cref="VisionTransformerConfig.Classes"/> is the original head's).</summary>
    public VisionTransformerConfig Config { get; }

    /// <inheritdoc/>
    public int NumClasses { get; private set; }

    /// <inheritdoc/>
    public long NumFeatures => Config.EmbedDim;

    /// <summary>timm's <c>feature_info</c>: one entry per block (<c>blocks.N</c>), token width, reduction = patch size.</summary>
    public IReadOnlyList<FeatureInfo> FeatureInfo { get; }

    /// <summary>The position embedding (1, 1 + patches, dim), class-token position first.</summary>
    public Parameter PositionEmbedding => pos_embed;

    /// <summary>The class token (1, 1, dim).</summary>
    public Parameter ClassToken => cls_token;

    private void Initialize()
    {
        // timm's default ('jax'-free) init: trunc-normal 0.02 for the position embedding and Linear weights,
        // a tiny normal for the class token, zero biases.
        using var noGrad = no_grad();
        TruncatedNormal(pos_embed, 0.02);
        nn.init.normal_(cls_token, std: 1e-6);
        foreach (var (_, module) in named_modules())
        {
            if (module is Linear linear)
            {
                TruncatedNormal(linear.weight, 0.02);
                if (linear.bias is { } bias)
                {
                    nn.init.zeros_(bias);
                }
            }
        }
    }

    /// <summary>
    /// timm's <c>trunc_normal_(std, a=-2, b=2)</c>. TorchSharp 0.107's native <c>trunc_normal_</c> occasionally writes
    /// non-finite values (seen as NaN logits); with std 0.02 the absolute bounds ±2 lie 100σ out, so a normal draw
    /// clamped to them has the same distribution.
    /// </summary>
    private static void TruncatedNormal(Tensor tensor, double std, double a = -2, double b = 2) =>
        tensor.normal_(0, std).clamp_(a, b);

    /// <summary>Tokens after the final norm: (batch, 1 + patches, dim), the class token first.</summary>
    public Tensor ForwardFeatures(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = Embed(input);
        foreach (var block in blocks)
        {
            x = block.call(x);
        }
        return norm.call(x).MoveToOuterDisposeScope();
    }

    /// <summary>Tokens after the final norm and each block's attention weights (batch, heads, tokens, tokens).</summary>
    public (Tensor Tokens, IReadOnlyList<Tensor> Attentions) ForwardFeaturesWithAttention(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = Embed(input);
        var attentions = new List<Tensor>(blocks.Count);
        foreach (var block in blocks)
        {
            (x, var weights) = block.ForwardWithWeights(x);
            attentions.Add(weights);
        }
        var tokens = norm.call(x).MoveToOuterDisposeScope();
        foreach (var weights in attentions)
        {
            weights.MoveToOuterDisposeScope();
        }
        return (tokens, attentions);
    }

    /// <summary>
    /// The pooled, normalised image representation (batch, dim) that enters the classifier, from <see cref="ForwardFeatures"/>'
    /// tokens: <see cref="ForwardHead"/> with pre-logits, without the head's dropout.
    /// </summary>
    public Tensor ForwardPooled(Tensor tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        using var scope = NewDisposeScope();
        var pooled = Config.Pooling == VisionTransformerPooling.Average
            ? tokens[.., 1..].mean([1])
            : tokens[.., 0];
        return fc_norm.call(pooled).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// timm's <c>forward_head</c> on <see cref="ForwardFeatures"/>' tokens: the class token or the patch mean (per
    /// <see cref="VisionTransformerConfig.Pooling"/>), <c>fc_norm</c>, dropout, then the classifier; with
    /// <paramref name="preLogits"/> the pooled (batch, dim) features before the classifier.
    /// </summary>
    public Tensor ForwardHead(Tensor features, bool preLogits = false)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() != 3)
        {
            throw new ArgumentException($"{Config.Name}'s head takes tokens (batch, tokens, dim) but got ({string.Join(", ", features.shape)}).", nameof(features));
        }
        using var scope = NewDisposeScope();
        var pooled = head_drop.call(ForwardPooled(features));
        return (preLogits ? pooled : head.call(pooled)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return ForwardHead(ForwardFeatures(input)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// timm's <c>forward_intermediates</c> with its default layout: the outputs of the blocks <paramref name="indices"/>
    /// picks (null all; negative from the end), as (batch, dim, grid, grid) maps of the patch tokens.
    /// </summary>
    /// <param name="input">Images (batch, channels, height, width).</param>
    /// <param name="indices">Which blocks; null for all.</param>
    /// <param name="norm">Apply the final norm to each (the identity with average pooling, as in timm).</param>
    /// <param name="stopEarly">Skip the blocks after the last one asked for.</param>
    public IReadOnlyList<Tensor> ForwardIntermediates(Tensor input, IReadOnlyList<int>? indices = null, bool norm = false, bool stopEarly = false) =>
        ForwardIntermediates(input, indices, norm, stopEarly, IntermediateFormat.Nchw);

    /// <summary>
    /// timm's <c>forward_intermediates</c>: the outputs of the blocks <paramref name="indices"/> picks, in block order,
    /// without the class token, laid out as <paramref name="format"/> says.
    /// </summary>
    /// <param name="input">Images (batch, channels, height, width).</param>
    /// <param name="indices">Which blocks; null for all; negative from the end.</param>
    /// <param name="norm">Apply the final norm to each.</param>
    /// <param name="stopEarly">Skip the blocks after the last one asked for.</param>
    /// <param name="format">Feature maps (timm's NCHW) or token sequences (NLC).</param>
    public IReadOnlyList<Tensor> ForwardIntermediates(Tensor input, IReadOnlyList<int>? indices, bool norm, bool stopEarly, IntermediateFormat format)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (take, max) = FeatureIndices.Resolve(blocks.Count, indices);
        using var scope = NewDisposeScope();
        long gridHeight = input.shape[^2] / Config.PatchSize, gridWidth = input.shape[^1] / Config.PatchSize;
        var x = Embed(input);
        int last = stopEarly ? max : blocks.Count - 1;
        var outputs = new List<Tensor>();
        for (int i = 0; i <= last; i++)
        {
            x = blocks[i].call(x);
            if (take.Contains(i))
            {
                var tokens = (norm ? this.norm.call(x) : x)[.., 1..];
                outputs.Add(format == IntermediateFormat.Nchw
                    ? tokens.reshape(tokens.shape[0], gridHeight, gridWidth, -1).permute(0, 3, 1, 2).contiguous()
                    : tokens);
            }
        }
        foreach (var output in outputs)
        {
            output.MoveToOuterDisposeScope();
        }
        return outputs;
    }

    /// <summary>
    /// Replaces <c>head</c> with a new Linear layer for <paramref name="numClasses"/> classes (PyTorch's default
    /// initialisation, as timm's <c>reset_classifier</c>), or with the identity for 0; the old head is disposed.
    /// </summary>
    public void ResetClassifier(int numClasses)
    {
        var replacement = ClassifierHeads.Create(Config.EmbedDim, numClasses, cls_token, training);
        // The indexer replaces the registration in place, so `head` keeps its position among the modules.
        _internal_submodules["head"] = replacement;
        head.Dispose();
        head = replacement;
        NumClasses = numClasses;
    }

    /// <summary>
    /// Attention rollout (Abnar and Zuidema): for each block the head-averaged attention A, the residual-aware
    /// (A + I)/2 renormalised by rows, multiplied from the first block to the last; the class token's row over the
    /// patches, reshaped to (batch, grid, grid) and scaled to a maximum of 1 per image.
    /// </summary>
    public Tensor AttentionRollout(Tensor input)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (_, attentions) = ForwardFeaturesWithAttention(input);
        Tensor? rollout = null;
        foreach (var weights in attentions)
        {
            var a = weights.mean([1]);
            a = (a + eye(a.shape[^1], dtype: a.dtype, device: a.device)) / 2;
            a = a / a.sum(-1, keepdim: true);
            rollout = rollout is null ? a : a.matmul(rollout);
        }
        var map = rollout![.., 0, 1..].reshape(-1, Config.GridSize, Config.GridSize);
        map = map / map.amax([1, 2], keepdim: true).clamp_min(1e-12);
        return map.MoveToOuterDisposeScope();
    }

    private Tensor Embed(Tensor input)
    {
        var x = patch_embed.call(input);
        var cls = cls_token.expand(x.shape[0], -1, -1);
        return pos_drop.call(cat([cls, x], 1) + pos_embed);
    }

    /// <summary>
    /// Loads a timm state_dict; a position embedding for another grid is resampled to this model's grid
    /// (<see cref="ResamplePositionEmbedding"/>, bicubic with antialiasing, as timm does on load).
    /// </summary>
    /// <exception cref="ArgumentException">Keys or shapes do not match; the message lists them.</exception>
    public void LoadTimmStateDict(IReadOnlyDictionary<string, Tensor> weights, bool antialias = true)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var source = new Dictionary<string, Tensor>(weights, StringComparer.Ordinal);
        var resampled = new List<Tensor>();
        if (source.TryGetValue("pos_embed", out var pos) && pos.shape[1] != pos_embed.shape[1])
        {
            long oldGrid = (long)Math.Round(Math.Sqrt(pos.shape[1] - 1));
            if (oldGrid * oldGrid != pos.shape[1] - 1)
            {
                throw new ArgumentException($"pos_embed has {pos.shape[1]} positions, which is not 1 + a square grid.", nameof(weights));
            }
            var converted = ResamplePositionEmbedding(pos, Config.GridSize, Config.GridSize, 1, antialias);
            resampled.Add(converted);
            source["pos_embed"] = converted;
        }
        try
        {
            StateDicts.LoadStrict(this, source);
        }
        finally
        {
            foreach (var tensor in resampled)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>
    /// timm's <c>resample_abs_pos_embed</c>: keeps the <paramref name="prefixTokens"/> leading embeddings, lays the
    /// rest out on their square grid and interpolates them bicubically (optionally antialiased) to the new grid.
    /// </summary>
    public static Tensor ResamplePositionEmbedding(Tensor positionEmbedding, long newHeight, long newWidth, int prefixTokens = 1, bool antialias = true)
    {
        ArgumentNullException.ThrowIfNull(positionEmbedding);
        using var scope = NewDisposeScope();
        long dim = positionEmbedding.shape[^1];
        long gridTokens = positionEmbedding.shape[1] - prefixTokens;
        long oldGrid = (long)Math.Round(Math.Sqrt(gridTokens));
        if (oldGrid * oldGrid != gridTokens)
        {
            throw new ArgumentException($"The position embedding has {gridTokens} grid tokens, which is not a square.", nameof(positionEmbedding));
        }
        var original = positionEmbedding.to_type(ScalarType.Float32);
        var prefix = original[.., ..prefixTokens];
        var grid = original[.., prefixTokens..].reshape(1, oldGrid, oldGrid, dim).permute(0, 3, 1, 2);
        var resized = nn.functional.interpolate(grid, [newHeight, newWidth], mode: InterpolationMode.Bicubic, align_corners: false, antialias: antialias);
        var flat = resized.permute(0, 2, 3, 1).reshape(1, newHeight * newWidth, dim);
        return cat([prefix, flat], 1).to_type(positionEmbedding.dtype).MoveToOuterDisposeScope();
    }
}
