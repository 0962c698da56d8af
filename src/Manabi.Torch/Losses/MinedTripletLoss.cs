using Manabi.Torch.Evaluation;
using Manabi.Torch.Siamese;
using static TorchSharp.torch;

namespace Manabi.Torch.Losses;

/// <summary>
/// The triplet margin loss over the triplets a <see cref="TripletMiner"/> picks from a labelled batch (FaceNet's
/// semi-hard mining, Hermans et al.'s batch-hard, every valid triplet, or the easiest): <see cref="TripletMarginLoss"/>
/// on distances gathered from the batch's distance matrix, so each embedding is computed once however many
/// triplets use it. A batch that yields no triplet gives a zero loss that still reaches the graph.
/// </summary>
public sealed class MinedTripletLoss : ILabelledEmbeddingLoss
{
    private readonly TripletMarginLoss hinge;

    /// <summary>Creates the loss.</summary>
    /// <param name="miner">Which triplets of the batch to use.</param>
    /// <param name="margin">The margin (FaceNet's 0.2 on normalised embeddings); not negative.</param>
    /// <param name="distance">Euclidean or cosine distance.</param>
    public MinedTripletLoss(TripletMiningStrategy miner = TripletMiningStrategy.SemiHard, double margin = 0.2, EmbeddingDistance distance = EmbeddingDistance.Euclidean)
    {
        hinge = new TripletMarginLoss(margin, distance);
        Miner = miner;
    }

    /// <summary>The miner.</summary>
    public TripletMiningStrategy Miner { get; }

    /// <summary>The margin.</summary>
    public double Margin => hinge.Margin;

    /// <summary>The distance.</summary>
    public EmbeddingDistance Distance => hinge.Distance;

    /// <inheritdoc/>
    public Tensor Compute(Tensor embeddings, Tensor labels)
    {
        LabelledEmbeddingLosses.Check(embeddings, labels);
        using var scope = NewDisposeScope();
        var distances = PairwiseDistances.Matrix(embeddings, embeddings, Distance);
        using var triplets = TripletMiner.Mine(distances, labels, Miner, Margin);
        var anchorRows = distances.index_select(0, triplets.Anchors);
        var positive = anchorRows.gather(1, triplets.Positives.unsqueeze(1)).squeeze(1);
        var negative = anchorRows.gather(1, triplets.Negatives.unsqueeze(1)).squeeze(1);
        return hinge.FromDistances(positive, negative).MoveToOuterDisposeScope();
    }
}
