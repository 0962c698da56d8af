using Manabi.Torch.Losses;
using static TorchSharp.torch;

namespace Manabi.Torch.Siamese;

/// <summary>
/// Chooses triplets inside a labelled batch from its distance matrix, entirely with tensor operations (masks,
/// masked minima and maxima, <c>nonzero</c>); no per-pair loop runs in C#.
/// </summary>
public static class TripletMiner
{
    /// <summary>Mines triplets.</summary>
    /// <param name="distances">The (n, n) distance matrix of the batch's embeddings (detached or not; it is read only).</param>
    /// <param name="labels">The n class labels (int64).</param>
    /// <param name="strategy">Which triplets to choose.</param>
    /// <param name="margin">The margin (used by <see cref="TripletMiningStrategy.All"/> to keep only violating triplets).</param>
    public static MinedTriplets Mine(Tensor distances, Tensor labels, TripletMiningStrategy strategy, double margin)
    {
        ArgumentNullException.ThrowIfNull(distances);
        ArgumentNullException.ThrowIfNull(labels);
        long n = distances.shape[0];
        if (distances.dim() != 2 || distances.shape[1] != n || labels.dim() != 1 || labels.shape[0] != n)
        {
            throw new ArgumentException($"Mining needs an (n, n) distance matrix and n labels; got [{string.Join(", ", distances.shape)}] and [{string.Join(", ", labels.shape)}].", nameof(labels));
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var d = distances.detach();
        var (positive, negative) = LabelledEmbeddingLosses.PairMasks(labels);
        var rows = arange(n, dtype: ScalarType.Int64, device: d.device);
        double inf = double.PositiveInfinity;
        Tensor a, p, neg;
        switch (strategy)
        {
            case TripletMiningStrategy.All:
            {
                // (a, p, n) is valid when p is a positive and n a negative of a; keep those violating the margin.
                var valid = positive.unsqueeze(2).logical_and(negative.unsqueeze(1));
                var violating = valid.logical_and((d.unsqueeze(2) - d.unsqueeze(1) + margin).gt(0));
                var index = violating.nonzero();
                (a, p, neg) = (index[.., 0], index[.., 1], index[.., 2]);
                break;
            }
            case TripletMiningStrategy.BatchHard:
            case TripletMiningStrategy.Easy:
            {
                var usable = positive.any(1).logical_and(negative.any(1));
                var hardestPositive = d.masked_fill(positive.logical_not(), -inf).argmax(1);
                var easiestPositive = d.masked_fill(positive.logical_not(), inf).argmin(1);
                var hardestNegative = d.masked_fill(negative.logical_not(), inf).argmin(1);
                a = rows.masked_select(usable);
                p = (strategy == TripletMiningStrategy.BatchHard ? hardestPositive : easiestPositive).masked_select(usable);
                neg = hardestNegative.masked_select(usable);
                break;
            }
            case TripletMiningStrategy.SemiHard:
            {
                var pairs = positive.logical_and(negative.any(1, keepdim: true)).nonzero();
                a = pairs[.., 0];
                p = pairs[.., 1];
                var anchorRows = d.index_select(0, a);
                var negativeRows = negative.index_select(0, a);
                var positiveDistance = anchorRows.gather(1, p.unsqueeze(1));
                var farther = negativeRows.logical_and(anchorRows.gt(positiveDistance));
                var semiHard = anchorRows.masked_fill(farther.logical_not(), inf).argmin(1);
                var farthest = anchorRows.masked_fill(negativeRows.logical_not(), -inf).argmax(1);
                neg = where(farther.any(1), semiHard, farthest);
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "Unknown mining strategy.");
        }
        var result = new MinedTriplets(a.contiguous().MoveToOuterDisposeScope(), p.contiguous().MoveToOuterDisposeScope(), neg.contiguous().MoveToOuterDisposeScope());
        return result;
    }
}
