using Manabi.Torch.Runtime;
using Manabi.Torch.Siamese;
using static TorchSharp.torch;

namespace Manabi.Torch.Tests.Siamese;

public sealed class TripletMinerTests
{
    private static readonly long[] Labels = [0, 1, 2, 0, 1, 2, 0, 1, 0, 2, 1, 1];

    public TripletMinerTests() => TorchRuntime.EnsureLoaded();

    private static (Tensor Distances, double[,] D) RandomDistances(int seed)
    {
        manual_seed(seed);
        var x = randn(Labels.Length, 5, dtype: ScalarType.Float64);
        var distances = cdist(x, x);
        int n = Labels.Length;
        var d = new double[n, n];
        double[] flat = distances.data<double>().ToArray();
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                d[i, j] = flat[i * n + j];
            }
        }
        return (distances, d);
    }

    private static HashSet<(long, long, long)> Set(MinedTriplets t)
    {
        long[] a = t.Anchors.data<long>().ToArray(), p = t.Positives.data<long>().ToArray(), n = t.Negatives.data<long>().ToArray();
        return [.. Enumerable.Range(0, a.Length).Select(i => (a[i], p[i], n[i]))];
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Every_strategy_matches_a_brute_force_search(int seed)
    {
        using var scope = NewDisposeScope();
        var (distances, d) = RandomDistances(seed);
        var labels = tensor(Labels);
        int n = Labels.Length;
        const double margin = 0.8;
        var all = new HashSet<(long, long, long)>();
        var hard = new HashSet<(long, long, long)>();
        var easy = new HashSet<(long, long, long)>();
        var semi = new HashSet<(long, long, long)>();
        for (int a = 0; a < n; a++)
        {
            var positives = Enumerable.Range(0, n).Where(p => p != a && Labels[p] == Labels[a]).ToList();
            var negatives = Enumerable.Range(0, n).Where(q => Labels[q] != Labels[a]).ToList();
            foreach (int p in positives)
            {
                foreach (int q in negatives.Where(q => d[a, p] - d[a, q] + margin > 0))
                {
                    all.Add((a, p, q));
                }
                var farther = negatives.Where(q => d[a, q] > d[a, p]).ToList();
                int chosen = farther.Count > 0 ? farther.MinBy(q => d[a, q]) : negatives.MaxBy(q => d[a, q]);
                semi.Add((a, p, chosen));
            }
            int nearestNegative = negatives.MinBy(q => d[a, q]);
            hard.Add((a, positives.MaxBy(p => d[a, p]), nearestNegative));
            easy.Add((a, positives.MinBy(p => d[a, p]), nearestNegative));
        }
        using (var mined = TripletMiner.Mine(distances, labels, TripletMiningStrategy.All, margin))
        {
            Assert.Equal(all, Set(mined));
        }
        using (var mined = TripletMiner.Mine(distances, labels, TripletMiningStrategy.BatchHard, margin))
        {
            Assert.Equal(hard, Set(mined));
        }
        using (var mined = TripletMiner.Mine(distances, labels, TripletMiningStrategy.Easy, margin))
        {
            Assert.Equal(easy, Set(mined));
        }
        using (var mined = TripletMiner.Mine(distances, labels, TripletMiningStrategy.SemiHard, margin))
        {
            Assert.Equal(semi, Set(mined));
        }
    }

    [Fact]
    public void A_class_without_a_positive_gives_no_anchor()
    {
        using var scope = NewDisposeScope();
        var x = randn(4, 3);
        using var mined = TripletMiner.Mine(cdist(x, x), tensor(new long[] { 0, 0, 1, 2 }), TripletMiningStrategy.BatchHard, 0.2);
        Assert.Equal(new long[] { 0, 1 }, mined.Anchors.data<long>().ToArray());
    }

    [Fact]
    public void Mismatched_shapes_are_rejected()
    {
        using var scope = NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => TripletMiner.Mine(zeros(3, 3), tensor(new long[] { 0, 1 }), TripletMiningStrategy.All, 1));
        Assert.Contains("n labels", ex.Message, StringComparison.Ordinal);
    }
}
