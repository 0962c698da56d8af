using Manabi.Torch.Evaluation;
using Manabi.Torch.Runtime;
using static TorchSharp.torch;

namespace Manabi.Torch.Tests.Evaluation;

public sealed class LinearProbeTests
{
    public LinearProbeTests() => TorchRuntime.EnsureLoaded();

    private static (Tensor Train, int[] TrainLabels, Tensor Test, int[] TestLabels) Data(float separation, int seed)
    {
        var (train, trainLabels) = EvaluationData.Clusters(800, 20, classes: 4, separation, noise: 1f, seed);
        var (test, testLabels) = EvaluationData.Clusters(400, 20, classes: 4, separation, noise: 1f, seed + 1);
        // Labels that are not 0..classes−1 must work too.
        return (EvaluationData.ToTensor(train), trainLabels.Select(l => 10 * l + 3).ToArray(),
            EvaluationData.ToTensor(test), testLabels.Select(l => 10 * l + 3).ToArray());
    }

    [Fact]
    public void Separable_gaussians_are_learned()
    {
        // Class means 6·e_c, 6√2 apart: the Bayes error between two classes is Φ(−3√2) ≈ 1e-5.
        var (train, trainLabels, test, testLabels) = Data(separation: 6f, seed: 21);
        using (train)
        using (test)
        {
            LinearProbeResult result = LinearProbe.Fit(train, trainLabels, test, testLabels);
            Assert.True(result.TrainAccuracy >= 0.99, $"train accuracy {result.TrainAccuracy}");
            Assert.True(result.TestAccuracy >= 0.99, $"test accuracy {result.TestAccuracy}");
            Assert.Equal(4, result.Classes);
            Assert.Equal(20, result.Dimensions);
        }
    }

    [Fact]
    public void A_seed_gives_the_same_probe()
    {
        // Overlapping classes, so the accuracies are far from 1 and sensitive to the training path.
        var (train, trainLabels, test, testLabels) = Data(separation: 1f, seed: 22);
        using (train)
        using (test)
        {
            var options = new LinearProbeOptions(Epochs: 20, BatchSize: 64, Seed: 5);
            LinearProbeResult first = LinearProbe.Fit(train, trainLabels, test, testLabels, options);
            LinearProbeResult again = LinearProbe.Fit(train, trainLabels, test, testLabels, options);
            Assert.Equal(first, again);
            Assert.InRange(first.TestAccuracy, 0.4, 0.95);
        }
    }

    [Fact]
    public void Bad_input_is_rejected()
    {
        using var train = zeros(6, 3);
        using var test = zeros(2, 3);
        using var narrow = zeros(2, 2);
        int[] labels = [0, 0, 0, 1, 1, 1];
        var unseen = Assert.Throws<ArgumentException>(() => LinearProbe.Fit(train, labels, test, [0, 2]));
        Assert.Equal("testLabels", unseen.ParamName);
        Assert.Contains("testLabels[1] is 2", unseen.Message, StringComparison.Ordinal);
        Assert.Equal("testEmbeddings", Assert.Throws<ArgumentException>(() => LinearProbe.Fit(train, labels, narrow, [0, 1])).ParamName);
        Assert.Equal("trainLabels", Assert.Throws<ArgumentException>(() => LinearProbe.Fit(train, [1, 1, 1, 1, 1, 1], test, [1, 1])).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() =>
            LinearProbe.Fit(train, labels, test, [0, 1], new LinearProbeOptions(Epochs: 0))).ParamName);
    }
}
