using System.Numerics.Tensors;

namespace Manabi.Numerics.Tests.Divergences;

/// <summary>Mathematical properties checked over a few hundred seeded random distributions each.</summary>
public sealed class InformationTheoryPropertyTests
{
    private const int Cases = 300;
    private static readonly double Ln2 = Math.Log(2.0);

    private static IEnumerable<(double[] P, double[] Q)> Pairs(int seed, double zeroFraction = 0.2)
    {
        var random = new Random(seed);
        for (int i = 0; i < Cases; i++)
        {
            int length = RandomDistributions.Length(random);
            yield return (RandomDistributions.Weights(random, length, zeroFraction),
                RandomDistributions.Weights(random, length, zeroFraction));
        }
    }

    [Fact]
    public void VectorizedKernelsMatchScalarScipyDefinitions()
    {
        foreach ((double[] p, double[] q) in Pairs(seed: 1))
        {
            Tolerance.AssertClose(ScipyReference.Entropy(p), InformationTheory.Entropy(p), 1e-12, $"H (n={p.Length})");
            Tolerance.AssertClose(ScipyReference.KullbackLeibler(p, q), InformationTheory.KullbackLeibler(p, q), 1e-11, $"KL (n={p.Length})", 1e-13);
            Tolerance.AssertClose(ScipyReference.CrossEntropy(p, q), InformationTheory.CrossEntropy(p, q), 1e-12, $"CE (n={p.Length})");
            Tolerance.AssertClose(ScipyReference.JensenShannonDivergence(p, q), InformationTheory.JensenShannonDivergence(p, q), 1e-11, $"JS (n={p.Length})", 1e-13);
        }
    }

    [Fact]
    public void ZerosFollowScipyConventionsAtEveryVectorPosition()
    {
        // A zero of q under a positive p must give +∞ wherever it sits (vector body or scalar tail, any chunk).
        for (int length = 2; length <= 1100; length += length < 40 ? 1 : 97)
        {
            for (int position = 0; position < length; position += Math.Max(1, length / 7))
            {
                double[] p = Enumerable.Repeat(1.0, length).ToArray();
                double[] q = Enumerable.Repeat(1.0, length).ToArray();
                q[position] = 0.0;
                Assert.Equal(double.PositiveInfinity, InformationTheory.KullbackLeibler(p, q));
                Assert.Equal(double.PositiveInfinity, InformationTheory.CrossEntropy(p, q));
                Assert.Equal(double.PositiveInfinity, InformationTheory.HalfJeffreys(q, p));
                Assert.True(double.IsFinite(InformationTheory.JensenShannonDivergence(p, q)));
                // 0·log 0 = 0, also for KL(q‖p) where q's zero meets p's positive entry and for H(q).
                Tolerance.AssertClose(Math.Log(length) - Math.Log(length - 1.0), InformationTheory.KullbackLeibler(q, p), 1e-12, $"KL(q‖p) n={length}");
                Tolerance.AssertClose(Math.Log(length - 1.0), InformationTheory.Entropy(q), 1e-12, $"H(q) n={length}", 1e-15);
            }
        }
    }

    [Fact]
    public void KullbackLeiblerIsNonNegativeAndZeroOnlyForEqualDistributions()
    {
        foreach ((double[] p, double[] q) in Pairs(seed: 2))
        {
            Assert.True(InformationTheory.KullbackLeibler(p, q) >= -1e-15);
            Assert.True(InformationTheory.CrossEntropy(p, q) >= InformationTheory.Entropy(p) - 1e-12);
            Assert.Equal(0.0, InformationTheory.KullbackLeibler(p, p), 12);
        }
    }

    [Fact]
    public void JensenShannonIsSymmetricBoundedAndTheSquareOfTheDistance()
    {
        foreach ((double[] p, double[] q) in Pairs(seed: 3, zeroFraction: 0.5))
        {
            double divergence = InformationTheory.JensenShannonDivergence(p, q);
            Assert.InRange(divergence, 0.0, Ln2 + 1e-15);
            Assert.InRange(InformationTheory.JensenShannonDivergence(p, q, LogBase.Bits), 0.0, 1.0 + 1e-15);
            Tolerance.AssertClose(divergence, InformationTheory.JensenShannonDivergence(q, p), 1e-13, "JS symmetry", 1e-16);
            double distance = InformationTheory.JensenShannonDistance(p, q);
            Tolerance.AssertClose(divergence, distance * distance, 1e-13, "distance²", 1e-16);
        }
    }

    [Fact]
    public void DisjointSupportsReachTheJensenShannonBound()
    {
        double[] p = [0.25, 0.75, 0, 0];
        double[] q = [0, 0, 0.5, 0.5];
        Tolerance.AssertClose(Ln2, InformationTheory.JensenShannonDivergence(p, q), 1e-15, "JS nats");
        Tolerance.AssertClose(1.0, InformationTheory.JensenShannonDistance(p, q, LogBase.Bits), 1e-15, "JS distance bits");
        Assert.Equal(double.PositiveInfinity, InformationTheory.HalfJeffreys(p, q));
    }

    [Fact]
    public void EntropyIsAtMostLogNAndReachesItForUniform()
    {
        foreach ((double[] p, _) in Pairs(seed: 4))
        {
            double entropy = InformationTheory.Entropy(p);
            Assert.InRange(entropy, 0.0, Math.Log(p.Length) + 1e-12);
            Tolerance.AssertClose(entropy / Ln2, InformationTheory.Entropy(p, LogBase.Bits), 1e-14, "bits");
            Tolerance.AssertClose(entropy / Math.Log(10), InformationTheory.Entropy(p, LogBase.Decimal), 1e-14, "hartleys");
            double[] uniform = Enumerable.Repeat(3.0, p.Length).ToArray();
            Tolerance.AssertClose(Math.Log(p.Length), InformationTheory.Entropy(uniform), 1e-13, "uniform", 1e-15);
        }
    }

    [Fact]
    public void HalfJeffreysIsSymmetricAndTheMeanOfBothKullbackLeiblers()
    {
        foreach ((double[] p, double[] q) in Pairs(seed: 5, zeroFraction: 0.0))
        {
            double halfJeffreys = InformationTheory.HalfJeffreys(p, q);
            Tolerance.AssertClose(halfJeffreys, InformationTheory.HalfJeffreys(q, p), 1e-12, "symmetry");
            double mean = (InformationTheory.KullbackLeibler(p, q) + InformationTheory.KullbackLeibler(q, p)) / 2;
            Tolerance.AssertClose(mean, halfJeffreys, 1e-11, "mean of KLs", 1e-14);
        }
    }

    [Fact]
    public void NormalizeFalseUsesTheValuesAsGiven()
    {
        foreach ((double[] weights, double[] other) in Pairs(seed: 6).Take(50))
        {
            double[] p = RandomDistributions.Normalized(weights);
            double[] q = RandomDistributions.Normalized(other);
            Tolerance.AssertClose(InformationTheory.Entropy(p), InformationTheory.Entropy(p, normalize: false), 1e-12, "H");
            Tolerance.AssertClose(InformationTheory.KullbackLeibler(p, q), InformationTheory.KullbackLeibler(p, q, normalize: false), 1e-11, "KL", 1e-14);
            // Doubling every weight changes an unnormalized entropy: −Σ 2w log 2w = 2H(w) − 2 ln 2 Σ w.
            double[] doubled = p.Select(v => 2 * v).ToArray();
            Tolerance.AssertClose(2 * InformationTheory.Entropy(p, normalize: false) - 2 * Ln2,
                InformationTheory.Entropy(doubled, normalize: false), 1e-11, "unnormalized", 1e-14);
        }
    }

    [Fact]
    public void RowApisEqualTheSingleVectorApis()
    {
        var random = new Random(7);
        // The large shapes cross the parallel threshold and the 512-entry chunk.
        foreach ((int rows, int columns) in new[] { (1, 1), (3, 5), (17, 33), (40, 700), (300, 257), (64, 1100) })
        {
            double[] p = Enumerable.Range(0, rows).SelectMany(_ => RandomDistributions.Weights(random, columns)).ToArray();
            double[] q = Enumerable.Range(0, rows).SelectMany(_ => RandomDistributions.Weights(random, columns)).ToArray();
            float[] pFloat = p.Select(v => (float)v).ToArray();
            float[] qFloat = q.Select(v => (float)v).ToArray();
            var actual = new double[rows];
            var actualFloat = new double[rows];

            void Check(string name, Func<double[], double[], double> single, Func<float[], float[], double> singleFloat,
                Action<double[], double[], double[]> rowApi, Action<float[], float[], double[]> rowApiFloat)
            {
                rowApi(p, q, actual);
                rowApiFloat(pFloat, qFloat, actualFloat);
                for (int row = 0; row < rows; row++)
                {
                    double[] pRow = p.AsSpan(row * columns, columns).ToArray();
                    double[] qRow = q.AsSpan(row * columns, columns).ToArray();
                    float[] pRowFloat = pFloat.AsSpan(row * columns, columns).ToArray();
                    float[] qRowFloat = qFloat.AsSpan(row * columns, columns).ToArray();
                    Assert.True(single(pRow, qRow).Equals(actual[row]), $"{name} {rows}×{columns} row {row}: {single(pRow, qRow)} vs {actual[row]}");
                    Assert.True(singleFloat(pRowFloat, qRowFloat).Equals(actualFloat[row]), $"{name} float {rows}×{columns} row {row}");
                }
            }

            Check("H", (a, _) => InformationTheory.Entropy(a, LogBase.Bits), (a, _) => InformationTheory.Entropy(a, LogBase.Bits),
                (a, _, d) => InformationTheory.EntropyRows(a, columns, d, LogBase.Bits),
                (a, _, d) => InformationTheory.EntropyRows(a, columns, d, LogBase.Bits));
            Check("CE", (a, b) => InformationTheory.CrossEntropy(a, b), (a, b) => InformationTheory.CrossEntropy(a, b),
                (a, b, d) => InformationTheory.CrossEntropyRows(a, b, columns, d),
                (a, b, d) => InformationTheory.CrossEntropyRows(a, b, columns, d));
            Check("KL", (a, b) => InformationTheory.KullbackLeibler(a, b), (a, b) => InformationTheory.KullbackLeibler(a, b),
                (a, b, d) => InformationTheory.KullbackLeiblerRows(a, b, columns, d),
                (a, b, d) => InformationTheory.KullbackLeiblerRows(a, b, columns, d));
            Check("JSD", (a, b) => InformationTheory.JensenShannonDivergence(a, b), (a, b) => InformationTheory.JensenShannonDivergence(a, b),
                (a, b, d) => InformationTheory.JensenShannonDivergenceRows(a, b, columns, d),
                (a, b, d) => InformationTheory.JensenShannonDivergenceRows(a, b, columns, d));
            Check("JS distance", (a, b) => InformationTheory.JensenShannonDistance(a, b, LogBase.Bits), (a, b) => InformationTheory.JensenShannonDistance(a, b, LogBase.Bits),
                (a, b, d) => InformationTheory.JensenShannonDistanceRows(a, b, columns, d, LogBase.Bits),
                (a, b, d) => InformationTheory.JensenShannonDistanceRows(a, b, columns, d, LogBase.Bits));
            Check("half Jeffreys", (a, b) => InformationTheory.HalfJeffreys(a, b, normalize: false), (a, b) => InformationTheory.HalfJeffreys(a, b, normalize: false),
                (a, b, d) => InformationTheory.HalfJeffreysRows(a, b, columns, d, normalize: false),
                (a, b, d) => InformationTheory.HalfJeffreysRows(a, b, columns, d, normalize: false));
        }
    }

    [Fact]
    public void FloatOverloadsAgreeWithDoubleTo1e6()
    {
        foreach ((double[] p, double[] q) in Pairs(seed: 8, zeroFraction: 0.1))
        {
            float[] pFloat = p.Select(v => (float)v).ToArray();
            float[] qFloat = q.Select(v => (float)v).ToArray();
            Tolerance.AssertClose(InformationTheory.Entropy(p), InformationTheory.Entropy(pFloat), 1e-6, "H", 1e-6);
            Tolerance.AssertClose(InformationTheory.CrossEntropy(p, q), InformationTheory.CrossEntropy(pFloat, qFloat), 1e-6, "CE", 1e-6);
            Tolerance.AssertClose(InformationTheory.KullbackLeibler(p, q), InformationTheory.KullbackLeibler(pFloat, qFloat), 1e-6, "KL", 1e-6);
            Tolerance.AssertClose(InformationTheory.JensenShannonDivergence(p, q), InformationTheory.JensenShannonDivergence(pFloat, qFloat), 1e-6, "JSD", 1e-6);
            Tolerance.AssertClose(InformationTheory.JensenShannonDistance(p, q), InformationTheory.JensenShannonDistance(pFloat, qFloat), 1e-6, "JS distance", 1e-6);
            Tolerance.AssertClose(InformationTheory.HalfJeffreys(p, q), InformationTheory.HalfJeffreys(pFloat, qFloat), 1e-6, "half Jeffreys", 1e-6);
        }
    }

    [Fact]
    public void LogitsApisEqualSoftmaxThenPlainApis()
    {
        var random = new Random(9);
        for (int i = 0; i < Cases; i++)
        {
            int length = random.Next(1, 300);
            double[] logitsP = Enumerable.Range(0, length).Select(_ => 3 * (random.NextDouble() - 0.5) * 4).ToArray();
            double[] logitsQ = Enumerable.Range(0, length).Select(_ => 3 * (random.NextDouble() - 0.5) * 4).ToArray();
            var p = new double[length];
            var q = new double[length];
            TensorPrimitives.SoftMax(logitsP, p);
            TensorPrimitives.SoftMax(logitsQ, q);

            Tolerance.AssertClose(InformationTheory.Entropy(p), InformationTheory.EntropyFromLogits(logitsP), 1e-12, "H", 1e-14);
            Tolerance.AssertClose(InformationTheory.CrossEntropy(p, q), InformationTheory.CrossEntropyFromLogits(p, logitsQ), 1e-12, "CE", 1e-14);
            Tolerance.AssertClose(InformationTheory.KullbackLeibler(p, q), InformationTheory.KullbackLeiblerFromLogits(logitsP, logitsQ), 1e-10, "KL", 1e-13);
            Tolerance.AssertClose(InformationTheory.Entropy(p, LogBase.Bits), InformationTheory.EntropyFromLogits(logitsP, LogBase.Bits), 1e-12, "H bits", 1e-14);
            Tolerance.AssertClose(Math.Log(logitsP.Sum(Math.Exp)), InformationTheory.LogSumExp(logitsP), 1e-13, "LogSumExp", 1e-14);
        }
    }

    [Fact]
    public void LogitsStayExactWhereProbabilitiesUnderflow()
    {
        // exp(−1000) underflows, yet log-sum-exp keeps the answer.
        Tolerance.AssertClose(1000 + Ln2, InformationTheory.LogSumExp([1000, 1000]), 1e-15, "large");
        Tolerance.AssertClose(-1000 + Ln2, InformationTheory.LogSumExp([-1000, -1000]), 1e-15, "small");
        Assert.Equal(double.NegativeInfinity, InformationTheory.LogSumExp([double.NegativeInfinity, double.NegativeInfinity]));
        // A masked logit (−∞) is a probability of exactly 0.
        Tolerance.AssertClose(Ln2, InformationTheory.EntropyFromLogits([5, double.NegativeInfinity, 5]), 1e-15, "masked");
        Assert.Equal(double.PositiveInfinity, InformationTheory.KullbackLeiblerFromLogits([0, 0], [0, double.NegativeInfinity]));
        Assert.Equal(0.0, InformationTheory.KullbackLeiblerFromLogits([0, double.NegativeInfinity], [0, double.NegativeInfinity]));
        Assert.Equal(double.PositiveInfinity, InformationTheory.CrossEntropyFromLogits([1, 1], [0, double.NegativeInfinity]));
        // KL between two very peaked distributions: about 2000·e^−1000-scale terms, but the logit gap is exact.
        double divergence = InformationTheory.KullbackLeiblerFromLogits([0, -50], [0, -60]);
        double pTail = Math.Exp(-50) / (1 + Math.Exp(-50));
        double qTail = Math.Exp(-60) / (1 + Math.Exp(-60));
        double expected = (1 - pTail) * Math.Log((1 - pTail) / (1 - qTail)) + pTail * Math.Log(pTail / qTail);
        Tolerance.AssertClose(expected, divergence, 1e-9, "peaked KL");
    }
}
