using System.Text.Json;
using Manabi.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra;
using static Manabi.Numerics.Tests.LinearAlgebra.MatrixTestHelpers;

namespace Manabi.Numerics.Tests.LinearAlgebra;

public class PcaTests
{
    private static JsonElement Golden() => GoldenSection("pca");

    // scikit-learn PCA(n_components=3) on a 100×6 data set; all quantities to 1e-9 (relative for magnitudes > 1).
    [Fact]
    public void MatchesScikitLearn()
    {
        JsonElement golden = Golden();
        var pca = new Pca(3).Fit(ToArray(golden.GetProperty("X")));
        AssertVector(golden.GetProperty("explained_variance"), pca.ExplainedVariance, "explained_variance");
        AssertVector(golden.GetProperty("explained_variance_ratio"), pca.ExplainedVarianceRatio, "explained_variance_ratio");
        AssertVector(golden.GetProperty("singular_values"), pca.SingularValues, "singular_values");
        double[,] expectedAbs = ToArray(golden.GetProperty("components_abs"));
        for (int c = 0; c < 3; c++)
        {
            for (int j = 0; j < 6; j++)
            {
                Assert.True(Math.Abs(expectedAbs[c, j] - Math.Abs(pca.Components[c, j])) < 1e-9, $"|components[{c}, {j}]|");
            }
        }
        // Noise variance: mean of the 3 discarded variances, computed independently with numpy.
        Assert.Equal(0.44411522618713734, pca.NoiseVariance, 1e-9);
    }

    [Fact]
    public void ComponentsAreOrthonormalWithSvdFlipSigns()
    {
        var pca = new Pca(4).Fit(RandomMatrix(50, 7, 3));
        var components = Matrix<double>.Build.DenseOfArray(pca.Components);
        double error = MaxAbs(components * components.Transpose() - Matrix<double>.Build.DenseIdentity(4));
        Assert.True(error < 1e-12, $"‖CCᵀ − I‖ = {error:E2}");
        for (int c = 0; c < 4; c++)
        {
            var row = components.Row(c);
            Assert.True(row[row.AbsoluteMaximumIndex()] > 0, $"largest |entry| of component {c} is negative");
        }
        for (int c = 1; c < 4; c++)
        {
            Assert.True(pca.ExplainedVariance[c - 1] >= pca.ExplainedVariance[c]);
        }
    }

    [Theory]
    [InlineData(40, 5, false)]
    [InlineData(40, 5, true)]
    [InlineData(4, 9, false)] // fewer samples than features: rank 4
    public void RoundTripWithAllComponents(int samples, int features, bool whiten)
    {
        double[,] x = RandomMatrix(samples, features, samples + features);
        int components = Math.Min(samples, features);
        if (samples < features)
        {
            components -= 1; // centering removes one dimension; the last singular value is 0 and cannot be whitened
        }
        var pca = new Pca(components, whiten);
        double[,] restored = pca.InverseTransform(pca.FitTransform(x));
        for (int i = 0; i < samples; i++)
        {
            for (int j = 0; j < features; j++)
            {
                Assert.True(Math.Abs(x[i, j] - restored[i, j]) < 1e-10, $"x[{i}, {j}] = {x[i, j]} restored as {restored[i, j]}");
            }
        }
        Assert.Equal(0.0, pca.NoiseVariance, 1e-12);
    }

    [Fact]
    public void ExplainedVarianceRatioOfAllComponentsSumsToOne()
    {
        var pca = new Pca(6).Fit(RandomMatrix(30, 6, 8));
        Assert.Equal(1.0, pca.ExplainedVarianceRatio.Sum(), 12);
        double[,] covariance = Covariance.Compute(RandomMatrix(30, 6, 8));
        double trace = Enumerable.Range(0, 6).Sum(i => covariance[i, i]);
        Assert.Equal(trace, pca.ExplainedVariance.Sum(), 10);
    }

    [Fact]
    public void WhiteningGivesUnitVariance()
    {
        double[,] z = new Pca(3, whiten: true).FitTransform(RandomMatrix(80, 5, 12));
        double[,] covariance = Covariance.Compute(z);
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                Assert.True(Math.Abs(covariance[i, j] - (i == j ? 1.0 : 0.0)) < 1e-10, $"cov[{i}, {j}] = {covariance[i, j]}");
            }
        }
    }

    [Fact]
    public void TransformMatchesCenteredProjection()
    {
        double[,] x = RandomMatrix(20, 4, 5);
        var pca = new Pca(2).Fit(x);
        double[,] z = pca.Transform(x);
        double expected = 0;
        for (int j = 0; j < 4; j++)
        {
            expected += (x[3, j] - pca.Mean[j]) * pca.Components[1, j];
        }
        Assert.Equal(expected, z[3, 1], 12);
    }

    [Fact]
    public void BadInputNamesTheArgument()
    {
        Assert.Equal("components", Assert.Throws<ArgumentException>(() => new Pca(0)).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => new Pca(4).Fit(RandomMatrix(10, 3, 1))).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => new Pca(1).Fit(new double[,] { { 1, double.NaN }, { 2, 3 } })).ParamName);
        var pca = new Pca(2).Fit(RandomMatrix(10, 3, 1));
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => pca.Transform(new double[2, 4])).ParamName);
        Assert.Equal("z", Assert.Throws<ArgumentException>(() => pca.InverseTransform(new double[2, 3])).ParamName);
        Assert.Throws<InvalidOperationException>(() => new Pca(1).Components);
    }

    private static void AssertVector(JsonElement expected, double[] actual, string what)
    {
        Assert.Equal(expected.GetArrayLength(), actual.Length);
        for (int i = 0; i < actual.Length; i++)
        {
            double e = expected[i].GetDouble();
            Assert.True(Math.Abs(e - actual[i]) <= 1e-9 * Math.Max(1.0, Math.Abs(e)), $"{what}[{i}]: expected {e:R}, got {actual[i]:R}");
        }
    }
}
