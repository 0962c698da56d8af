using Manabi.Vision.Models;

namespace Manabi.Vision.Siamese;

/// <summary>The shape of an <see cref="EmbeddingNetwork"/>.</summary>
/// <param name="Encoder">A vision model name from <see cref="Models.VisionModels"/> (ResNet, SE-ResNet or ViT family), e.g. "seresnet18-small".</param>
/// <param name="ImageSize">Square image side.</param>
/// <param name="Channels">Image channels.</param>
/// <param name="EmbeddingDimension">The embedding (projection) dimension.</param>
/// <param name="Head">The projection head.</param>
/// <param name="Normalize">Whether embeddings are L2-normalised.</param>
/// <param name="HiddenDimension">Hidden width of the MLP heads (0: the encoder's feature width).</param>
public sealed record EmbeddingNetworkConfig(string Encoder, int ImageSize, int Channels, int EmbeddingDimension = 128,
    ProjectionHead Head = ProjectionHead.Linear, bool Normalize = true, int HiddenDimension = 0)
{
    /// <summary>
    /// How the encoder's feature maps become the features the head reads (and a probe or <c>--features</c> evaluation
    /// scores): <see cref="FeatureReadout.Pooled"/> unless set. Runs saved before readouts existed load as pooled.
    /// </summary>
    public FeatureReadout Readout { get; init; } = FeatureReadout.Pooled;

    /// <summary>
    /// The preset network of <paramref name="objective"/>: SimSiam's projector and predictor with 256-d embeddings;
    /// an MLP head (SimCLR) for NT-Xent and InfoNCE; a linear head for the supervised losses; 128-d unless
    /// <paramref name="embeddingDimension"/> is given.
    /// </summary>
    public static EmbeddingNetworkConfig ForObjective(string encoder, int imageSize, int channels, SiameseObjective objective, int? embeddingDimension = null) =>
        new(encoder, imageSize, channels,
            embeddingDimension ?? (objective == SiameseObjective.SimSiam ? 256 : 128),
            objective switch
            {
                SiameseObjective.SimSiam => ProjectionHead.SimSiam,
                SiameseObjective.NTXent or SiameseObjective.InfoNce => ProjectionHead.Mlp,
                _ => ProjectionHead.Linear,
            });
}
