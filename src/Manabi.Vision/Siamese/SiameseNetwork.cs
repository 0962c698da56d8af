using Manabi.Torch.Evaluation;
using Manabi.Torch.Siamese;
using static TorchSharp.torch;

namespace Manabi.Vision.Siamese;

/// <summary>
/// Two inputs through one <see cref="EmbeddingNetwork"/>: the twins share their weights by construction, and
/// both inputs go through in a single batch so that BatchNorm sees them together.
/// </summary>
public sealed class SiameseNetwork
{
    /// <summary>Wraps a network.</summary>
    public SiameseNetwork(EmbeddingNetwork network, EmbeddingDistance distance = EmbeddingDistance.Euclidean)
    {
        ArgumentNullException.ThrowIfNull(network);
        Network = network;
        Distance = distance;
    }

    /// <summary>The shared network.</summary>
    public EmbeddingNetwork Network { get; }

    /// <summary>The distance used by <see cref="Distances"/>.</summary>
    public EmbeddingDistance Distance { get; }

    /// <summary>The embeddings of both inputs (each (batch, C, H, W)).</summary>
    public (Tensor First, Tensor Second) Forward(Tensor first, Tensor second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (!first.shape.SequenceEqual(second.shape))
        {
            throw new ArgumentException($"The two inputs differ in shape: [{string.Join(", ", first.shape)}] and [{string.Join(", ", second.shape)}].", nameof(second));
        }
        using var scope = NewDisposeScope();
        var both = Network.call(cat([first, second], 0));
        var halves = both.chunk(2, 0);
        return (halves[0].MoveToOuterDisposeScope(), halves[1].MoveToOuterDisposeScope());
    }

    /// <summary>The distance between each pair of inputs (batch).</summary>
    public Tensor Distances(Tensor first, Tensor second)
    {
        using var scope = NewDisposeScope();
        var (a, b) = Forward(first, second);
        return PairwiseDistances.Rows(a, b, Distance, eps: 0).MoveToOuterDisposeScope();
    }
}
