using Manabi.Vision.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.Vision.Siamese;

/// <summary>
/// An image encoder (any ResNet, SE-ResNet or ViT from <see cref="VisionModels"/>, built headless) with an
/// optional projection head and SimSiam predictor; <c>forward</c> gives the embedding. One instance is the
/// shared twin of <see cref="SiameseNetwork"/> and <see cref="TripletNetwork"/>. State-dict keys are
/// <c>encoder.*</c> (the vision model's own keys), <c>projector.*</c> and <c>predictor.*</c>.
/// </summary>
public sealed class EmbeddingNetwork : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> encoder;
    private readonly nn.Module<Tensor, Tensor>? projector;
    private readonly nn.Module<Tensor, Tensor>? predictor;

    /// <summary>Creates the network with fresh weights.</summary>
    /// <exception cref="ArgumentException">Unknown encoder, an encoder that is not a ResNet or ViT, or a non-positive dimension.</exception>
    public EmbeddingNetwork(EmbeddingNetworkConfig config, Device? device = null) : base(nameof(EmbeddingNetwork))
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(config.EmbeddingDimension);
        ArgumentOutOfRangeException.ThrowIfNegative(config.HiddenDimension);
        var info = VisionModels.Get(config.Encoder);
        if (info.Family == VisionModelFamily.AttentionBranch)
        {
            throw new ArgumentException($"{info.Name} is a classifier with two branches; use its backbone ({info.Name[4..]}) as the encoder.", nameof(config));
        }
        Config = config;
        encoder = VisionModels.Create(info.Name, classes: 0, imageSize: config.ImageSize, channels: config.Channels, device: device);
        if (encoder is not IVisionModel model)
        {
            throw new ArgumentException($"{info.Name} cannot serve as an encoder.", nameof(config));
        }
        FeatureDimension = (config.Readout ?? FeatureReadout.Pooled).Width(model, info.Name);
        long hidden = config.HiddenDimension > 0 ? config.HiddenDimension : FeatureDimension;
        long dim = config.EmbeddingDimension;
        switch (config.Head)
        {
            case ProjectionHead.None:
                EmbeddingDimension = FeatureDimension;
                break;
            case ProjectionHead.Linear:
                projector = nn.Sequential(nn.Linear(FeatureDimension, dim, device: device));
                EmbeddingDimension = dim;
                break;
            case ProjectionHead.Mlp:
                projector = nn.Sequential(
                    nn.Linear(FeatureDimension, hidden, device: device), nn.BatchNorm1d(hidden, device: device), nn.ReLU(),
                    nn.Linear(hidden, dim, device: device));
                EmbeddingDimension = dim;
                break;
            case ProjectionHead.SimSiam:
                projector = nn.Sequential(
                    nn.Linear(FeatureDimension, hidden, hasBias: false, device: device), nn.BatchNorm1d(hidden, device: device), nn.ReLU(),
                    nn.Linear(hidden, dim, hasBias: false, device: device), nn.BatchNorm1d(dim, affine: false, device: device));
                long bottleneck = Math.Max(1, dim / 4);
                predictor = nn.Sequential(
                    nn.Linear(dim, bottleneck, hasBias: false, device: device), nn.BatchNorm1d(bottleneck, device: device), nn.ReLU(),
                    nn.Linear(bottleneck, dim, device: device));
                EmbeddingDimension = dim;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(config), config.Head, "Unknown projection head.");
        }
        RegisterComponents();
    }

    /// <summary>The configuration.</summary>
    public EmbeddingNetworkConfig Config { get; }

    /// <summary>The width of the features <see cref="Features"/> returns (the encoder's pooled width, or the spatial readout's).</summary>
    public long FeatureDimension { get; }

    /// <summary>The width of the embedding <c>forward</c> returns.</summary>
    public long EmbeddingDimension { get; }

    /// <summary>Whether the network has a SimSiam predictor.</summary>
    public bool HasPredictor => predictor is not null;

    /// <summary>The encoder (the vision model without its classifier).</summary>
    public nn.Module<Tensor, Tensor> Encoder => encoder;

    /// <summary>
    /// The encoder's features (batch, <see cref="FeatureDimension"/>) read out as <see cref="EmbeddingNetworkConfig.Readout"/>
    /// says: what the head projects, a linear probe reads and <c>--features</c> scores. Pooled, they are timm's
    /// pre-logits whatever the family (a ViT's after its fc_norm).
    /// </summary>
    public Tensor Features(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return (Config.Readout ?? FeatureReadout.Pooled).Read((IVisionModel)encoder, images);
    }

    /// <summary>The projection of pooled features, before any normalisation (SimSiam's z).</summary>
    public Tensor Project(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        return projector is null ? features.alias() : projector.call(features);
    }

    /// <summary>SimSiam's predictor on projections (its p).</summary>
    /// <exception cref="InvalidOperationException">The network has no predictor.</exception>
    public Tensor Predict(Tensor projections)
    {
        ArgumentNullException.ThrowIfNull(projections);
        return (predictor ?? throw new InvalidOperationException("Only a SimSiam head has a predictor.")).call(projections);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var z = Project(Features(input));
        if (Config.Normalize)
        {
            z = nn.functional.normalize(z, p: 2, dim: 1, eps: 1e-12);
        }
        return z.MoveToOuterDisposeScope();
    }
}
