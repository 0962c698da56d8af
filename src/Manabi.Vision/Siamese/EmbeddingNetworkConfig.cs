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
    ProjectionHead Head = ProjectionHead.Linear, bool Normalize = true, int HiddenDimension = 0);
