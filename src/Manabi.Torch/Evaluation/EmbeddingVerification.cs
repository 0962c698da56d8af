using Manabi.Numerics.Metrics;
using Manabi.Torch.Siamese;
using static TorchSharp.torch;

namespace Manabi.Torch.Evaluation;

/// <summary>Verification (same class or not) over every pair of a set of labelled embeddings.</summary>
public static class EmbeddingVerification
{
    /// <summary>
    /// Verification over every pair of up to <paramref name="maxImages"/> embeddings chosen with <paramref name="seed"/>:
    /// scores are negative euclidean distances, so the equal-error-rate threshold comes back as a distance
    /// (pairs at most <c>ThresholdDistance</c> apart are "same").
    /// </summary>
    public static (VerificationResult Result, double ThresholdDistance) Evaluate(Tensor embeddings, IReadOnlyList<int> labels, int maxImages, int seed)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxImages, 2);
        using var scope = NewDisposeScope();
        int n = labels.Count;
        int[] chosen = Enumerable.Range(0, n).ToArray();
        if (n > maxImages)
        {
            new Random(seed).Shuffle(chosen);
            chosen = chosen[..maxImages];
        }
        var index = tensor(chosen.Select(i => (long)i).ToArray());
        var e = embeddings.index_select(0, index).to_type(ScalarType.Float64);
        var y = tensor(chosen.Select(i => (long)labels[i]).ToArray());
        var distances = PairwiseDistances.Matrix(e, e, EmbeddingDistance.Euclidean);
        var upper = ones(chosen.Length, chosen.Length, dtype: ScalarType.Bool).triu(1);
        double[] scores = (-distances.masked_select(upper)).data<double>().ToArray();
        bool[] same = y.unsqueeze(1).eq(y.unsqueeze(0)).masked_select(upper).data<bool>().ToArray();
        var result = Verification.Evaluate(scores, same);
        return (result, -result.EerThreshold);
    }
}
