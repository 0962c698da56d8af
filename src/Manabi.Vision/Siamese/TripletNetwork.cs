using static TorchSharp.torch;

namespace Manabi.Vision.Siamese;

/// <summary>Anchor, positive and negative through one shared <see cref="EmbeddingNetwork"/> in a single batch.</summary>
public sealed class TripletNetwork
{
    /// <summary>Wraps a network.</summary>
    public TripletNetwork(EmbeddingNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        Network = network;
    }

    /// <summary>The shared network.</summary>
    public EmbeddingNetwork Network { get; }

    /// <summary>The embeddings of the three inputs (each (batch, C, H, W)).</summary>
    public (Tensor Anchors, Tensor Positives, Tensor Negatives) Forward(Tensor anchors, Tensor positives, Tensor negatives)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        ArgumentNullException.ThrowIfNull(positives);
        ArgumentNullException.ThrowIfNull(negatives);
        if (!anchors.shape.SequenceEqual(positives.shape) || !anchors.shape.SequenceEqual(negatives.shape))
        {
            throw new ArgumentException("Anchors, positives and negatives must have one shape.", nameof(negatives));
        }
        using var scope = NewDisposeScope();
        var all = Network.call(cat([anchors, positives, negatives], 0)).chunk(3, 0);
        return (all[0].MoveToOuterDisposeScope(), all[1].MoveToOuterDisposeScope(), all[2].MoveToOuterDisposeScope());
    }
}
