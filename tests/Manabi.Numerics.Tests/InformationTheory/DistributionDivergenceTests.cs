using Manabi.Numerics.Distributions;

namespace Manabi.Numerics.Tests.Divergences;

/// <summary>Closed-form KL divergences of distribution families, their validation, and the Monte-Carlo estimator.</summary>
public sealed class DistributionDivergenceTests
{
    [Fact]
    public void NormalIsZeroForEqualParametersAndMatchesTheDiagonalAndFullMultivariateForms()
    {
        Assert.Equal(0.0, KullbackLeiblerDivergence.Normal(1.5, 0.7, 1.5, 0.7));
        var random = new Random(11);
        for (int i = 0; i < 200; i++)
        {
            double meanP = random.NextDouble() * 4 - 2, meanQ = random.NextDouble() * 4 - 2;
            double sigmaP = 0.1 + random.NextDouble() * 3, sigmaQ = 0.1 + random.NextDouble() * 3;
            double univariate = KullbackLeiblerDivergence.Normal(meanP, sigmaP, meanQ, sigmaQ);
            Assert.True(univariate >= 0);
            double diagonal = KullbackLeiblerDivergence.MultivariateNormalDiagonal([meanP], [sigmaP * sigmaP], [meanQ], [sigmaQ * sigmaQ]);
            double full = KullbackLeiblerDivergence.MultivariateNormal([meanP], new[,] { { sigmaP * sigmaP } }, [meanQ], new[,] { { sigmaQ * sigmaQ } });
            Tolerance.AssertClose(univariate, diagonal, 1e-12, "diagonal", 1e-15);
            Tolerance.AssertClose(univariate, full, 1e-12, "full", 1e-15);
        }
    }

    [Fact]
    public void MultivariateNormalWithDiagonalCovarianceMatchesTheDiagonalForm()
    {
        double[] meanP = [0.5, -1, 2];
        double[] meanQ = [0, 0.25, 1];
        double[] varianceP = [1.5, 0.2, 3];
        double[] varianceQ = [0.7, 1.1, 2];
        var covarianceP = new double[3, 3];
        var covarianceQ = new double[3, 3];
        for (int i = 0; i < 3; i++)
        {
            covarianceP[i, i] = varianceP[i];
            covarianceQ[i, i] = varianceQ[i];
        }
        double expected = Enumerable.Range(0, 3).Sum(i =>
            KullbackLeiblerDivergence.Normal(meanP[i], Math.Sqrt(varianceP[i]), meanQ[i], Math.Sqrt(varianceQ[i])));
        Tolerance.AssertClose(expected, KullbackLeiblerDivergence.MultivariateNormalDiagonal(meanP, varianceP, meanQ, varianceQ), 1e-13, "diagonal");
        Tolerance.AssertClose(expected, KullbackLeiblerDivergence.MultivariateNormal(meanP, covarianceP, meanQ, covarianceQ), 1e-13, "full");
    }

    [Fact]
    public void MultivariateNormalIsInvariantUnderACommonRotation()
    {
        // Rotating both distributions by the same orthogonal matrix leaves KL unchanged: checks the off-diagonal terms.
        double angle = 0.7;
        double c = Math.Cos(angle), s = Math.Sin(angle);
        double[,] rotation = { { c, -s }, { s, c } };
        double[,] covarianceP = { { 2.0, 0.3 }, { 0.3, 1.0 } };
        double[,] covarianceQ = { { 1.0, -0.2 }, { -0.2, 0.5 } };
        double[] meanP = [0, 0];
        double[] meanQ = [1, -1];
        double original = KullbackLeiblerDivergence.MultivariateNormal(meanP, covarianceP, meanQ, covarianceQ);
        double rotated = KullbackLeiblerDivergence.MultivariateNormal(
            Rotate(rotation, meanP), Conjugate(rotation, covarianceP), Rotate(rotation, meanQ), Conjugate(rotation, covarianceQ));
        Tolerance.AssertClose(original, rotated, 1e-12, "rotation");
        Assert.Equal(0.0, KullbackLeiblerDivergence.MultivariateNormal(meanQ, covarianceQ, meanQ, covarianceQ), 14);
    }

    [Fact]
    public void BernoulliHandlesCertainOutcomesExactly()
    {
        Assert.Equal(0.0, KullbackLeiblerDivergence.Bernoulli(0.0, 0.0));
        Assert.Equal(0.0, KullbackLeiblerDivergence.Bernoulli(1.0, 1.0));
        Assert.Equal(double.PositiveInfinity, KullbackLeiblerDivergence.Bernoulli(0.5, 1.0));
        Tolerance.AssertClose(-Math.Log(0.25), KullbackLeiblerDivergence.Bernoulli(1.0, 0.25), 1e-15, "certain P");
        Tolerance.AssertClose(InformationTheory.KullbackLeibler([0.3, 0.7], [0.6, 0.4]),
            KullbackLeiblerDivergence.Bernoulli(0.7, 0.4), 1e-14, "as categorical");
    }

    [Fact]
    public void CategoricalNormalizesLikeTorch() => Tolerance.AssertClose(
        InformationTheory.KullbackLeibler([0.1, 0.2, 0.7], [0.3, 0.3, 0.4]),
        KullbackLeiblerDivergence.Categorical([1, 2, 7], [3, 3, 4]), 1e-14, "categorical");

    [Fact]
    public void DirichletIsZeroForEqualConcentrationsAndMatchesBetaForTwoComponents()
    {
        Assert.Equal(0.0, KullbackLeiblerDivergence.Dirichlet([0.5, 2, 3], [0.5, 2, 3]), 14);
        // Beta(a, b) = Dir([a, b]); KL(Beta(2,3)‖Beta(1,1)) = −H(Beta(2,3)) since Beta(1,1) is uniform on [0,1].
        // H(Beta(2,3)) = ln B(2,3) − (a−1)ψ(a) − (b−1)ψ(b) + (a+b−2)ψ(a+b), with B(2,3) = 1/12, ψ(2) = 1−γ, ψ(3) = 1.5−γ, ψ(5) = 25/12−γ.
        double gamma = 0.57721566490153286;
        double entropy = Math.Log(1.0 / 12) - (1 - gamma) - 2 * (1.5 - gamma) + 3 * (25.0 / 12 - gamma);
        Tolerance.AssertClose(-entropy, KullbackLeiblerDivergence.Dirichlet([2, 3], [1, 1]), 1e-12, "beta");
    }

    [Fact]
    public void MonteCarloKullbackLeiblerOfTwoNormalsIsWithinFourStandardErrorsOfTheClosedForm()
    {
        double exact = KullbackLeiblerDivergence.Normal(0, 1, 1, 2);
        MonteCarloEstimate estimate = MonteCarloKullbackLeibler.Estimate(
            random => StandardNormal(random),
            x => NormalLogDensity(x, 0, 1),
            x => NormalLogDensity(x, 1, 2),
            samples: 20_000, seed: 12);
        Assert.Equal(20_000, estimate.Samples);
        Assert.InRange(estimate.StandardError, 1e-4, 0.05);
        Assert.True(Math.Abs(estimate.Estimate - exact) <= 4 * estimate.StandardError,
            $"estimate {estimate.Estimate} ± {estimate.StandardError}, exact {exact}");
        // Same seed, same answer.
        Assert.Equal(estimate, MonteCarloKullbackLeibler.Estimate(
            random => StandardNormal(random), x => NormalLogDensity(x, 0, 1), x => NormalLogDensity(x, 1, 2), 20_000, 12));
    }

    [Fact]
    public void MonteCarloWorksForVectorSamples()
    {
        double[] meanQ = [0.5, -0.5];
        double[] varianceQ = [2, 0.5];
        double exact = KullbackLeiblerDivergence.MultivariateNormalDiagonal([0, 0], [1, 1], meanQ, varianceQ);
        MonteCarloEstimate estimate = MonteCarloKullbackLeibler.Estimate<double[]>(
            random => [StandardNormal(random), StandardNormal(random)],
            x => NormalLogDensity(x[0], 0, 1) + NormalLogDensity(x[1], 0, 1),
            x => NormalLogDensity(x[0], meanQ[0], Math.Sqrt(varianceQ[0])) + NormalLogDensity(x[1], meanQ[1], Math.Sqrt(varianceQ[1])),
            samples: 20_000, seed: 13);
        Assert.True(Math.Abs(estimate.Estimate - exact) <= 4 * estimate.StandardError,
            $"estimate {estimate.Estimate} ± {estimate.StandardError}, exact {exact}");
    }

    [Fact]
    public void MonteCarloIsInfiniteWhereQHasNoMass()
    {
        MonteCarloEstimate estimate = MonteCarloKullbackLeibler.Estimate(
            random => random.NextDouble() - 0.5, _ => 0.0, x => x < 0 ? double.NegativeInfinity : 0.0, 100, 1);
        Assert.Equal(double.PositiveInfinity, estimate.Estimate);
    }

    [Theory]
    [InlineData(0.0, "standardDeviationP")]
    [InlineData(-1.0, "standardDeviationP")]
    [InlineData(double.NaN, "standardDeviationP")]
    public void NormalRejectsABadStandardDeviation(double sigma, string name)
    {
        var error = Assert.Throws<ArgumentException>(() => KullbackLeiblerDivergence.Normal(0, sigma, 0, 1));
        Assert.Equal(name, error.ParamName);
        Assert.Contains("positive", error.Message);
    }

    [Fact]
    public void ParameterValidationNamesTheParameter()
    {
        Assert.Equal("scaleQ", Assert.Throws<ArgumentException>(() => KullbackLeiblerDivergence.Laplace(0, 1, 0, -2)).ParamName);
        Assert.Equal("meanQ", Assert.Throws<ArgumentException>(() => KullbackLeiblerDivergence.Normal(0, 1, double.PositiveInfinity, 1)).ParamName);
        Assert.Equal("probabilityQ", Assert.Throws<ArgumentException>(() => KullbackLeiblerDivergence.Bernoulli(0.5, 1.5)).ParamName);
        var dirichlet = Assert.Throws<ArgumentException>(() => KullbackLeiblerDivergence.Dirichlet([1, 2, 3], [1, 0, 3]));
        Assert.Contains("concentrationQ[1]", dirichlet.Message);
        var variance = Assert.Throws<ArgumentException>(() => KullbackLeiblerDivergence.MultivariateNormalDiagonal([0, 0], [1, -1], [0, 0], [1, 1]));
        Assert.Contains("varianceP[1]", variance.Message);
        var mismatch = Assert.Throws<ArgumentException>(() => KullbackLeiblerDivergence.Dirichlet([1, 2], [1, 2, 3]));
        Assert.Equal("concentrationQ", mismatch.ParamName);
        Assert.Contains("length 3", mismatch.Message);
    }

    [Fact]
    public void MultivariateNormalRejectsBadCovariances()
    {
        double[] mean = [0, 0];
        double[,] good = { { 1, 0 }, { 0, 1 } };
        var indefinite = Assert.Throws<ArgumentException>(() =>
            KullbackLeiblerDivergence.MultivariateNormal(mean, new double[,] { { 1, 2 }, { 2, 1 } }, mean, good));
        Assert.Equal("covarianceP", indefinite.ParamName);
        Assert.Contains("positive definite", indefinite.Message);
        var asymmetric = Assert.Throws<ArgumentException>(() =>
            KullbackLeiblerDivergence.MultivariateNormal(mean, good, mean, new double[,] { { 1, 0.5 }, { 0.2, 1 } }));
        Assert.Equal("covarianceQ", asymmetric.ParamName);
        Assert.Contains("symmetric", asymmetric.Message);
        var wrongShape = Assert.Throws<ArgumentException>(() =>
            KullbackLeiblerDivergence.MultivariateNormal(mean, new double[3, 3], mean, good));
        Assert.Contains("2 × 2", wrongShape.Message);
        var nonFinite = Assert.Throws<ArgumentException>(() =>
            KullbackLeiblerDivergence.MultivariateNormal(mean, new double[,] { { 1, 0 }, { 0, double.NaN } }, mean, good));
        Assert.Contains("covarianceP[1, 1]", nonFinite.Message);
    }

    [Fact]
    public void MonteCarloRejectsTooFewSamples() =>
        Assert.Equal("samples", Assert.Throws<ArgumentException>(() =>
            MonteCarloKullbackLeibler.Estimate(r => r.NextDouble(), _ => 0.0, _ => 0.0, 1, 0)).ParamName);

    private static double StandardNormal(Random random)
    {
        // Box-Muller; 1 − u keeps the logarithm's argument in (0, 1].
        double u = 1.0 - random.NextDouble();
        double v = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
    }

    private static double NormalLogDensity(double x, double mean, double sigma)
    {
        double z = (x - mean) / sigma;
        return -0.5 * z * z - Math.Log(sigma) - 0.5 * Math.Log(2 * Math.PI);
    }

    private static double[] Rotate(double[,] rotation, double[] vector) =>
        [rotation[0, 0] * vector[0] + rotation[0, 1] * vector[1], rotation[1, 0] * vector[0] + rotation[1, 1] * vector[1]];

    private static double[,] Conjugate(double[,] rotation, double[,] matrix)
    {
        var result = new double[2, 2];
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 2; j++)
            {
                double sum = 0;
                for (int k = 0; k < 2; k++)
                {
                    for (int l = 0; l < 2; l++)
                    {
                        sum += rotation[i, k] * matrix[k, l] * rotation[j, l];
                    }
                }
                result[i, j] = sum;
            }
        }
        // Rounding leaves the product symmetric only to ~1e-16; make it exactly so.
        result[1, 0] = result[0, 1];
        return result;
    }
}
