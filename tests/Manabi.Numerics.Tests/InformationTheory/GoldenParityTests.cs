using System.Text.Json;
using Manabi.Numerics.Distributions;

namespace Manabi.Numerics.Tests.Divergences;

/// <summary>Parity with scipy (section "discrete") and torch.distributions (section "continuous") of math-golden.json.</summary>
public sealed class GoldenParityTests
{
    // scipy computed in float64 the same expressions we evaluate, so only rounding separates us.
    private const double DiscreteRelativeTolerance = 1e-12;

    // torch computed the continuous goldens in float32: relative 1e-6 is a few float32 ulps.
    private const double ContinuousRelativeTolerance = 1e-6;

    public static TheoryData<int> DiscreteCases()
    {
        var data = new TheoryData<int>();
        int count = MathGolden.Root.GetProperty("discrete").GetArrayLength();
        for (int index = 0; index < count; index++)
        {
            data.Add(index);
        }
        return data;
    }

    [Fact]
    public void TheGoldenFileHasDiscreteCasesWithInfinities()
    {
        var cases = MathGolden.Root.GetProperty("discrete").EnumerateArray().ToList();
        Assert.True(cases.Count >= 8, $"expected at least 8 discrete cases, found {cases.Count}");
        Assert.Contains(cases, c => double.IsPositiveInfinity(MathGolden.Number(c.GetProperty("KL_qp_nats"))));
    }

    [Theory]
    [MemberData(nameof(DiscreteCases))]
    public void DiscreteCaseMatchesScipyInNatsAndBits(int caseIndex)
    {
        JsonElement golden = MathGolden.Root.GetProperty("discrete")[caseIndex];
        double[] p = MathGolden.Vector(golden.GetProperty("p"));
        double[] q = MathGolden.Vector(golden.GetProperty("q"));

        foreach ((string unit, LogBase logBase) in new[] { ("nats", LogBase.Nats), ("bits", LogBase.Bits) })
        {
            void Check(string key, double actual) => Tolerance.AssertClose(
                MathGolden.Number(golden.GetProperty($"{key}_{unit}")), actual, DiscreteRelativeTolerance,
                $"case {caseIndex} {key}_{unit}");

            Check("H_p", InformationTheory.Entropy(p, logBase));
            Check("H_q", InformationTheory.Entropy(q, logBase));
            Check("KL_pq", InformationTheory.KullbackLeibler(p, q, logBase));
            Check("KL_qp", InformationTheory.KullbackLeibler(q, p, logBase));
            Check("JS_distance", InformationTheory.JensenShannonDistance(p, q, logBase));
            Check("JS_divergence", InformationTheory.JensenShannonDivergence(p, q, logBase));
            Check("symmetric_KL_mean", InformationTheory.HalfJeffreys(p, q, logBase));
        }
    }

    [Theory]
    [MemberData(nameof(DiscreteCases))]
    public void DiscreteCaseMatchesScipyThroughTheRowApis(int caseIndex)
    {
        JsonElement golden = MathGolden.Root.GetProperty("discrete")[caseIndex];
        double[] p = MathGolden.Vector(golden.GetProperty("p"));
        double[] q = MathGolden.Vector(golden.GetProperty("q"));
        // Two rows, (p, q) and (q, p), so that each row's own normalization is exercised.
        double[] first = [.. p, .. q];
        double[] second = [.. q, .. p];
        var results = new double[2];

        InformationTheory.EntropyRows(first, p.Length, results, LogBase.Bits);
        Tolerance.AssertClose(MathGolden.Number(golden.GetProperty("H_p_bits")), results[0], DiscreteRelativeTolerance, "H_p_bits");
        Tolerance.AssertClose(MathGolden.Number(golden.GetProperty("H_q_bits")), results[1], DiscreteRelativeTolerance, "H_q_bits");

        InformationTheory.KullbackLeiblerRows(first, second, p.Length, results);
        Tolerance.AssertClose(MathGolden.Number(golden.GetProperty("KL_pq_nats")), results[0], DiscreteRelativeTolerance, "KL_pq_nats");
        Tolerance.AssertClose(MathGolden.Number(golden.GetProperty("KL_qp_nats")), results[1], DiscreteRelativeTolerance, "KL_qp_nats");

        InformationTheory.JensenShannonDistanceRows(first, second, p.Length, results, LogBase.Bits);
        Tolerance.AssertClose(MathGolden.Number(golden.GetProperty("JS_distance_bits")), results[0], DiscreteRelativeTolerance, "JS_distance_bits");

        InformationTheory.HalfJeffreysRows(first, second, p.Length, results);
        Tolerance.AssertClose(MathGolden.Number(golden.GetProperty("symmetric_KL_mean_nats")), results[1], DiscreteRelativeTolerance, "symmetric_KL_mean_nats");
    }

    [Fact]
    public void NormalMatchesTorch()
    {
        JsonElement continuous = MathGolden.Root.GetProperty("continuous");
        Tolerance.AssertClose(MathGolden.Number(continuous.GetProperty("Normal(0,1)||Normal(1,2)")),
            KullbackLeiblerDivergence.Normal(0, 1, 1, 2), ContinuousRelativeTolerance, "Normal(0,1)||Normal(1,2)");
        Tolerance.AssertClose(MathGolden.Number(continuous.GetProperty("Normal(1,2)||Normal(0,1)")),
            KullbackLeiblerDivergence.Normal(1, 2, 0, 1), ContinuousRelativeTolerance, "Normal(1,2)||Normal(0,1)");
    }

    [Fact]
    public void LaplaceMatchesTorch() => Tolerance.AssertClose(
        MathGolden.Number(MathGolden.Root.GetProperty("continuous").GetProperty("Laplace(0,1)||Laplace(1,2)")),
        KullbackLeiblerDivergence.Laplace(0, 1, 1, 2), ContinuousRelativeTolerance, "Laplace");

    [Fact]
    public void BernoulliMatchesTorch() => Tolerance.AssertClose(
        MathGolden.Number(MathGolden.Root.GetProperty("continuous").GetProperty("Bernoulli(0.3)||Bernoulli(0.6)")),
        KullbackLeiblerDivergence.Bernoulli(0.3, 0.6), ContinuousRelativeTolerance, "Bernoulli");

    [Fact]
    public void DirichletMatchesTorch() => Tolerance.AssertClose(
        MathGolden.Number(MathGolden.Root.GetProperty("continuous").GetProperty("Dirichlet([1,2,3])||Dirichlet([2,2,2])")),
        KullbackLeiblerDivergence.Dirichlet([1, 2, 3], [2, 2, 2]), ContinuousRelativeTolerance, "Dirichlet");

    [Fact]
    public void MultivariateNormalMatchesTorch()
    {
        JsonElement golden = MathGolden.Root.GetProperty("continuous").GetProperty("MVN([0,0],C1)||MVN([1,-1],C2)");
        double[,] first = ToArray2D(MathGolden.Matrix(golden.GetProperty("C1")));
        double[,] second = ToArray2D(MathGolden.Matrix(golden.GetProperty("C2")));
        Tolerance.AssertClose(MathGolden.Number(golden.GetProperty("value")),
            KullbackLeiblerDivergence.MultivariateNormal([0, 0], first, [1, -1], second), ContinuousRelativeTolerance, "MVN");
    }

    [Fact]
    public void KlDivBatchMeanMatchesTorch()
    {
        JsonElement golden = MathGolden.Root.GetProperty("continuous").GetProperty("F.kl_div_batchmean");
        double[][] target = MathGolden.Matrix(golden.GetProperty("p"));
        double[][] logQ = MathGolden.Matrix(golden.GetProperty("log_q"));
        double expected = MathGolden.Number(golden.GetProperty("value"));
        int columns = target[0].Length;

        double batchMean = InformationTheory.KullbackLeiblerBatchMean(
            target.SelectMany(row => row).ToArray(), logQ.SelectMany(row => row).ToArray(), columns);
        Tolerance.AssertClose(expected, batchMean, ContinuousRelativeTolerance, "kl_div batchmean");

        // The same quantity as a mean of per-row KL(p‖q), with q's log-probabilities read as logits. They are
        // normalized only to float32 precision, so the renormalization shifts the result by ~1e-7: compare to 1e-6.
        double rowMean = target.Zip(logQ, (p, l) => InformationTheory.KullbackLeiblerFromLogits(
            p.Select(value => Math.Log(value)).ToArray(), l)).Average();
        Tolerance.AssertClose(expected, rowMean, ContinuousRelativeTolerance, "mean of KullbackLeiblerFromLogits");
    }

    private static double[,] ToArray2D(double[][] rows)
    {
        var result = new double[rows.Length, rows[0].Length];
        for (int i = 0; i < rows.Length; i++)
        {
            for (int j = 0; j < rows[i].Length; j++)
            {
                result[i, j] = rows[i][j];
            }
        }
        return result;
    }
}
