using Manabi.Numerics.LinearAlgebra;
using Manabi.Torch.Evaluation;
using Manabi.Torch.Runtime;
using static TorchSharp.torch;

namespace Manabi.Torch.Tests.Evaluation;

public sealed class EmbeddingQualityTests
{
    public EmbeddingQualityTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Collapsed_embeddings_have_no_spread_and_rank_one()
    {
        float[,] noise = EvaluationData.Gaussian(500, 32, seed: 31);
        float[,] direction = EvaluationData.Gaussian(1, 32, seed: 32);
        var values = new float[500, 32];
        for (int i = 0; i < 500; i++)
        {
            for (int j = 0; j < 32; j++)
            {
                values[i, j] = direction[0, j] + 1e-4f * noise[i, j];
            }
        }
        using var embeddings = EvaluationData.ToTensor(values);
        EmbeddingQualityReport report = EmbeddingQuality.Compute(embeddings);
        Assert.True(report.MeanNormalizedStd < 1e-3, $"mean normalised std {report.MeanNormalizedStd}");
        Assert.True(report.EffectiveRank < 1.1, $"RankMe {report.EffectiveRank}");
        Assert.True(report.Uniformity > -1e-3, $"uniformity {report.Uniformity}");
        Assert.Null(report.Alignment);
    }

    [Fact]
    public void Isotropic_gaussians_are_healthy()
    {
        using var embeddings = EvaluationData.ToTensor(EvaluationData.Gaussian(5000, 16, seed: 33));
        EmbeddingQualityReport report = EmbeddingQuality.Compute(embeddings);
        Assert.Equal(0.25, report.HealthyStd);
        Assert.InRange(report.MeanNormalizedStd, 0.25 * 0.9, 0.25 * 1.1);
        Assert.Equal(16, report.NormalizedStd.Length);
        Assert.True(report.EffectiveRank > 15.5, $"RankMe {report.EffectiveRank}");
        Assert.Equal(16, report.Eigenvalues.Length);
        for (int i = 1; i < 16; i++)
        {
            Assert.True(report.Eigenvalues[i] <= report.Eigenvalues[i - 1], $"eigenvalues must descend at {i}");
        }
        Assert.InRange(report.Eigenvalues[^1], 0.85, 1.0);
        Assert.InRange(report.Eigenvalues[0], 1.0, 1.15);
        Assert.Equal((5000, 16), (report.Count, report.Dimensions));
    }

    [Fact]
    public void Spectrum_and_projection_agree_with_the_numerics_pca()
    {
        var (values, _) = EvaluationData.Clusters(60, 5, classes: 3, separation: 3f, noise: 1f, seed: 34);
        using var embeddings = EvaluationData.ToTensor(values);
        EmbeddingQualityReport report = EmbeddingQuality.Compute(embeddings);
        var x = new double[60, 5];
        for (int i = 0; i < 60; i++)
        {
            for (int j = 0; j < 5; j++)
            {
                x[i, j] = values[i, j];
            }
        }
        var pca = new Pca(5);
        double[,] expected = pca.FitTransform(x);
        for (int c = 0; c < 5; c++)
        {
            Assert.Equal(pca.ExplainedVariance[c], report.Eigenvalues[c], 1e-9);
        }
        for (int i = 0; i < 60; i++)
        {
            Assert.Equal(expected[i, 0], report.Projection2D[i, 0], 1e-9);
            Assert.Equal(expected[i, 1], report.Projection2D[i, 1], 1e-9);
        }
        Assert.Equal(Spectrum.EffectiveRank(x), report.EffectiveRank, 1e-9);
    }

    [Fact]
    public void Uniformity_and_alignment_match_brute_force()
    {
        float[,] a = EvaluationData.Gaussian(40, 6, seed: 35);
        float[,] b = EvaluationData.Gaussian(40, 6, seed: 36);
        using var left = EvaluationData.ToTensor(a);
        using var right = EvaluationData.ToTensor(b);
        var unitA = Enumerable.Range(0, 40).Select(i => Unit(EvaluationData.Row(a, i))).ToArray();
        var unitB = Enumerable.Range(0, 40).Select(i => Unit(EvaluationData.Row(b, i))).ToArray();

        double alignment = Enumerable.Range(0, 40).Average(i => SquaredDistance(unitA[i], unitB[i]));
        Assert.Equal(alignment, EmbeddingQuality.Alignment(left, right), 1e-6);

        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < 40; i++)
        {
            for (int j = i + 1; j < 40; j++)
            {
                sum += Math.Exp(-2 * SquaredDistance(unitA[i], unitA[j]));
                pairs++;
            }
        }
        Assert.Equal(Math.Log(sum / pairs), EmbeddingQuality.Uniformity(left), 1e-6);

        // A subsample: deterministic for its seed, and still close to the full value.
        double subsample = EmbeddingQuality.Uniformity(left, maxPoints: 30, seed: 1);
        Assert.Equal(subsample, EmbeddingQuality.Uniformity(left, maxPoints: 30, seed: 1));
        Assert.NotEqual(subsample, EmbeddingQuality.Uniformity(left, maxPoints: 30, seed: 2));

        EmbeddingQualityReport withViews = EmbeddingQuality.Compute(left, views: right);
        Assert.Equal(alignment, withViews.Alignment!.Value, 1e-6);
    }

    [Fact]
    public void Label_pairs_give_an_alignment_only_when_a_class_repeats()
    {
        var (values, labels) = EvaluationData.Clusters(90, 4, classes: 3, separation: 4f, noise: 0.5f, seed: 37);
        using var embeddings = EvaluationData.ToTensor(values);
        double? sameClass = EmbeddingQuality.Compute(embeddings, labels, seed: 3).Alignment;
        Assert.NotNull(sameClass);
        Assert.Equal(sameClass, EmbeddingQuality.Compute(embeddings, labels, seed: 3).Alignment);
        // Pairs across classes (orthogonal centres) would give about 2 − 2·cos 90° = 2.
        Assert.InRange(sameClass!.Value, 0.0, 0.5);
        Assert.Null(EmbeddingQuality.Compute(embeddings, Enumerable.Range(0, 90).ToArray()).Alignment);
    }

    [Fact]
    public void Bad_input_is_rejected()
    {
        using var one = ones(1, 4);
        using var zero = zeros(5, 4);
        using var three = ones(3, 4);
        Assert.Equal("embeddings", Assert.Throws<ArgumentException>(() => EmbeddingQuality.Compute(one)).ParamName);
        Assert.Contains("all zero", Assert.Throws<ArgumentException>(() => EmbeddingQuality.Compute(zero)).Message, StringComparison.Ordinal);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => EmbeddingQuality.Alignment(zero, three)).ParamName);
        Assert.Equal("maxPoints", Assert.Throws<ArgumentException>(() => EmbeddingQuality.Uniformity(zero, maxPoints: 1)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => EmbeddingQuality.Compute(three, [1, 2])).ParamName);
    }

    private static double[] Unit(double[] v)
    {
        double norm = Math.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    private static double SquaredDistance(double[] a, double[] b) => a.Zip(b, (x, y) => (x - y) * (x - y)).Sum();
}
