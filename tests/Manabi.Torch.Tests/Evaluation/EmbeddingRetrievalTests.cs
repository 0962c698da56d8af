using Manabi.Torch.Evaluation;
using Manabi.Torch.Runtime;
using static TorchSharp.torch;
using RetrievalDistance = Manabi.Numerics.Metrics.RetrievalDistance;
using RetrievalResult = Manabi.Numerics.Metrics.RetrievalResult;

namespace Manabi.Torch.Tests.Evaluation;

/// <summary>
/// The tensor adapter only: the metrics themselves are tested against the pure-managed version in
/// Manabi.Numerics.Tests (Metrics/RetrievalMetricsTests).
/// </summary>
public sealed class EmbeddingRetrievalTests
{
    public EmbeddingRetrievalTests() => TorchRuntime.EnsureLoaded();

    [Theory]
    [InlineData(EmbeddingDistance.Cosine, RetrievalDistance.Cosine)]
    [InlineData(EmbeddingDistance.Euclidean, RetrievalDistance.Euclidean)]
    public void The_tensor_adapter_gives_the_figures_of_the_pure_version(EmbeddingDistance distance, RetrievalDistance pure)
    {
        // Gaussian rows in 12 dimensions: every similarity is distinct, so no figure depends on tie-breaking.
        var (values, labels) = EvaluationData.Clusters(300, 12, classes: 7, separation: 1.5f, noise: 1f, seed: 11);
        labels[3] = 100;
        int[] ks = [1, 2, 5, 10];
        using var embeddings = EvaluationData.ToTensor(values);
        // A float64 tensor exercises the conversion to float32 as well.
        using var doubles = embeddings.to(float64);
        RetrievalResult expected =
            Manabi.Numerics.Metrics.RetrievalMetrics.Evaluate(values.Cast<float>().ToArray(), 12, labels, ks, pure);
        foreach (Tensor input in new[] { embeddings, doubles })
        {
            RetrievalResult result = EmbeddingRetrieval.Evaluate(input, labels, ks, distance);
            Assert.Equal(expected.PrecisionAt1, result.PrecisionAt1, 1e-6);
            foreach (int k in ks)
            {
                Assert.Equal(expected.RecallAtK[k], result.RecallAtK[k], 1e-6);
            }
            Assert.Equal(expected.MapAtR, result.MapAtR, 1e-6);
        }
    }

    [Fact]
    public void Bad_input_is_rejected()
    {
        using var embeddings = zeros(4, 2);
        var k = Assert.Throws<ArgumentException>(() => EmbeddingRetrieval.Evaluate(embeddings, [0, 0, 1, 1], [1, 4]));
        Assert.Equal("ks", k.ParamName);
        Assert.Contains("ks[1] is 4", k.Message, StringComparison.Ordinal);
        var lone = Assert.Throws<ArgumentException>(() => EmbeddingRetrieval.Evaluate(embeddings, [0, 1, 2, 3], [1]));
        Assert.Equal("labels", lone.ParamName);
        Assert.Throws<ArgumentException>(() => EmbeddingRetrieval.Evaluate(embeddings, [0, 0, 1], [1]));
        using var flat = zeros(8);
        var shape = Assert.Throws<ArgumentException>(() => EmbeddingRetrieval.Evaluate(flat, [0, 0, 1, 1], [1]));
        Assert.Equal("embeddings", shape.ParamName);
    }
}
