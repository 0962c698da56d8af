using Manabi.Torch.Evaluation;
using Manabi.Torch.Runtime;
using static TorchSharp.torch;

namespace Manabi.Torch.Tests.Evaluation;

public sealed class FewShotEvaluatorTests
{
    public FewShotEvaluatorTests() => TorchRuntime.EnsureLoaded();

    [Theory]
    [InlineData(EmbeddingDistance.Euclidean, 1)]
    [InlineData(EmbeddingDistance.Cosine, 1)]
    [InlineData(EmbeddingDistance.Euclidean, 5)]
    public void Separable_clusters_are_classified_perfectly(EmbeddingDistance distance, int shot)
    {
        var (values, labels) = EvaluationData.Clusters(200, 16, classes: 8, separation: 10f, noise: 0.1f, seed: 1);
        using var embeddings = EvaluationData.ToTensor(values);
        FewShotResult result = FewShotEvaluator.Evaluate(embeddings, labels, way: 5, shot: shot, episodes: 300, queriesPerClass: 3, distance: distance);
        Assert.Equal(1.0, result.Accuracy);
        Assert.Equal(0.0, result.ConfidenceInterval95);
        Assert.Equal((5, shot, 3, 300), (result.Way, result.Shot, result.QueriesPerClass, result.Episodes));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void Random_embeddings_score_chance(int way)
    {
        float[,] values = EvaluationData.Gaussian(2000, 32, seed: 2);
        int[] labels = Enumerable.Range(0, 2000).Select(i => i % 10).ToArray();
        using var embeddings = EvaluationData.ToTensor(values);
        FewShotResult result = FewShotEvaluator.Evaluate(embeddings, labels, way, shot: 1, episodes: 4000, queriesPerClass: 5, seed: 3);
        Assert.InRange(result.Accuracy, 1.0 / way - 0.02, 1.0 / way + 0.02);
        // Per-episode accuracies spread by ~0.08 (5-way) to ~0.16 (2-way) give half-widths of 1.96·σ/√4000 ≈ 0.0025 to 0.005.
        Assert.InRange(result.ConfidenceInterval95, 0.001, 0.02);
    }

    [Fact]
    public void A_seed_gives_the_same_episodes()
    {
        float[,] values = EvaluationData.Gaussian(300, 8, seed: 4);
        int[] labels = Enumerable.Range(0, 300).Select(i => i % 6).ToArray();
        using var embeddings = EvaluationData.ToTensor(values);
        FewShotResult first = FewShotEvaluator.Evaluate(embeddings, labels, way: 3, shot: 2, episodes: 500, seed: 7);
        FewShotResult again = FewShotEvaluator.Evaluate(embeddings, labels, way: 3, shot: 2, episodes: 500, seed: 7);
        FewShotResult other = FewShotEvaluator.Evaluate(embeddings, labels, way: 3, shot: 2, episodes: 500, seed: 8);
        Assert.Equal(first, again);
        Assert.NotEqual(first.Accuracy, other.Accuracy);
    }

    /// <summary>
    /// Class A is an equilateral triangle of radius 1 around the origin in the plane z = 0; class B is three copies of
    /// (0, 0, h). With shot 2 and one query, an A query lies 1.5 from the mean of the other two vertices (the midpoint
    /// of the opposite side), √3 ≈ 1.73 from either of them, and √(1 + h²) from B's prototype, whichever vertices are drawn.
    /// B's queries are always right (distance 0). So with averaging every episode scores 1 when √(1 + h²) = 1.6 and
    /// exactly 1/2 when √(1 + h²) = 1.4; a nearest-support, first-support or summed prototype would give 1/2 in both cases.
    /// </summary>
    [Theory]
    [InlineData(1.6, 1.0)]
    [InlineData(1.4, 0.5)]
    public void Prototypes_are_the_mean_of_the_support(double distanceToB, double expected)
    {
        float h = (float)Math.Sqrt(distanceToB * distanceToB - 1);
        float s = (float)(Math.Sqrt(3) / 2);
        float[] points =
        [
            1f, 0f, 0f,
            -0.5f, s, 0f,
            -0.5f, -s, 0f,
            0f, 0f, h,
            0f, 0f, h,
            0f, 0f, h,
        ];
        using var embeddings = tensor(points, [6, 3]);
        FewShotResult result = FewShotEvaluator.Evaluate(embeddings, [7, 7, 7, 9, 9, 9], way: 2, shot: 2, episodes: 50, queriesPerClass: 1);
        Assert.Equal(expected, result.Accuracy, 1e-12);
        Assert.Equal(0.0, result.ConfidenceInterval95, 1e-12);
    }

    [Fact]
    public void Too_few_classes_or_images_are_reported_by_class_and_count()
    {
        using var embeddings = zeros(10, 4);
        int[] labels = [0, 0, 0, 0, 1, 1, 1, 1, 5, 5];
        var classes = Assert.Throws<ArgumentException>(() => FewShotEvaluator.Evaluate(embeddings, labels, way: 4, shot: 1, episodes: 1));
        Assert.Equal("labels", classes.ParamName);
        Assert.Contains("3 classes", classes.Message, StringComparison.Ordinal);

        var images = Assert.Throws<ArgumentException>(() => FewShotEvaluator.Evaluate(embeddings, labels, way: 2, shot: 2, episodes: 1));
        Assert.Contains("class 5 has 2 embeddings", images.Message, StringComparison.Ordinal);
        Assert.Contains("= 3", images.Message, StringComparison.Ordinal);

        var length = Assert.Throws<ArgumentException>(() => FewShotEvaluator.Evaluate(embeddings, [0, 1], way: 2, shot: 1, episodes: 1));
        Assert.Contains("2 labels", length.Message, StringComparison.Ordinal);

        Assert.Equal("shot", Assert.Throws<ArgumentException>(() => FewShotEvaluator.Evaluate(embeddings, labels, 2, 0, 1)).ParamName);
        Assert.Equal("episodes", Assert.Throws<ArgumentException>(() => FewShotEvaluator.Evaluate(embeddings, labels, 2, 1, 0)).ParamName);
        using var flat = zeros(10);
        Assert.Equal("embeddings", Assert.Throws<ArgumentException>(() => FewShotEvaluator.Evaluate(flat, labels, 2, 1, 1)).ParamName);
        using var nan = full(10, 4, float.NaN);
        Assert.Contains("row 0", Assert.Throws<ArgumentException>(() => FewShotEvaluator.Evaluate(nan, labels, 2, 1, 1)).Message, StringComparison.Ordinal);
    }
}
