using Manabi.Torch.Layers;

namespace Manabi.Vision.Siamese;

/// <summary>What sits between the encoder's pooled features and the embedding.</summary>
public enum ProjectionHead
{
    /// <summary>No head: the embedding is the encoder's pooled features.</summary>
    None,

    /// <summary>One linear layer to the embedding dimension (the classic Siamese embedding layer).</summary>
    Linear,

    /// <summary>SimCLR's MLP: linear, BatchNorm, ReLU, linear.</summary>
    Mlp,

    /// <summary>
    /// SimSiam's projector (linear, BN, ReLU, linear, BN without affine, no biases before BN) plus the
    /// predictor bottleneck (linear, BN, ReLU, linear to the embedding dimension).
    /// </summary>
    SimSiam,
}
