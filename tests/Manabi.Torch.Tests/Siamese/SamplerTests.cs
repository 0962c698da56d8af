using Manabi.Torch.Siamese;

namespace Manabi.Torch.Tests.Siamese;

public sealed class SamplerTests
{
    private static readonly int[] Labels = [.. Enumerable.Range(0, 300).Select(i => i % 10)];

    [Fact]
    public void M_per_class_batches_hold_whole_classes_and_repeat_for_a_seed()
    {
        var sampler = new MPerClassSampler(Labels, 3, 4, seed: 7, classes: [0, 1, 2, 3, 4, 5]);
        Assert.Equal(12, sampler.BatchSize);
        Assert.Equal(180 / 12, sampler.BatchesPerEpoch);
        var epoch = sampler.Epoch(2);
        Assert.Equal(sampler.BatchesPerEpoch, epoch.Count);
        foreach (var batch in epoch)
        {
            var groups = batch.Chunk(4).Select(g => g.Select(i => Labels[i]).Distinct().Single()).ToList();
            Assert.Equal(3, groups.Distinct().Count());
            Assert.All(groups, c => Assert.InRange(c, 0, 5));
            Assert.Equal(12, batch.Distinct().Count());
        }
        Assert.Equal(epoch.SelectMany(b => b), sampler.Epoch(2).SelectMany(b => b));
        Assert.NotEqual(epoch.SelectMany(b => b), sampler.Epoch(3).SelectMany(b => b));
    }

    [Fact]
    public void M_per_class_errors_name_the_problem()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MPerClassSampler(Labels, 4, 2, 0, classes: [1, 2]));
        Assert.Contains("needs 4 classes", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentException>(() => new MPerClassSampler(Labels, 2, 31, 0));
        Assert.Contains("has 30 images", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pairs_are_balanced_and_correctly_labelled_and_triplets_valid()
    {
        var sampler = new PairSampler(Labels, [6, 7, 8, 9]);
        var pairs = sampler.Pairs(1000, seed: 3);
        Assert.Equal(500, pairs.Same.Count(s => s));
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(pairs.Same[i], Labels[pairs.First[i]] == Labels[pairs.Second[i]]);
            Assert.NotEqual(pairs.First[i], pairs.Second[i]);
            Assert.InRange(Labels[pairs.First[i]], 6, 9);
            Assert.InRange(Labels[pairs.Second[i]], 6, 9);
        }
        var triplets = sampler.Triplets(500, seed: 4);
        for (int i = 0; i < 500; i++)
        {
            Assert.Equal(Labels[triplets.Anchors[i]], Labels[triplets.Positives[i]]);
            Assert.NotEqual(triplets.Anchors[i], triplets.Positives[i]);
            Assert.NotEqual(Labels[triplets.Anchors[i]], Labels[triplets.Negatives[i]]);
        }
        Assert.Equal(pairs.Second, sampler.Pairs(1000, seed: 3).Second);
    }
}
