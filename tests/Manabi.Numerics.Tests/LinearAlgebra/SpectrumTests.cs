using Manabi.Numerics.LinearAlgebra;
using static Manabi.Numerics.Tests.LinearAlgebra.MatrixTestHelpers;

namespace Manabi.Numerics.Tests.LinearAlgebra;

public class SpectrumTests
{
    [Fact]
    public void EffectiveRankOfEqualValuesIsTheirCount()
    {
        Assert.Equal(7.0, Spectrum.EffectiveRank([2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]), 12);
        Assert.Equal(3.0, Spectrum.EffectiveRank([1.0, 0.0, 1.0, 1.0, 0.0]), 12);
    }

    [Fact]
    public void EffectiveRankOfOneNonzeroValueIsOne()
    {
        Assert.Equal(1.0, Spectrum.EffectiveRank([0.0, 4.5, 0.0]), 14);
    }

    [Fact]
    public void EffectiveRankOfUnequalValuesIsExpEntropy()
    {
        // p = (3/4, 1/4): H = −(0.75 ln 0.75 + 0.25 ln 0.25).
        double entropy = -(0.75 * Math.Log(0.75) + 0.25 * Math.Log(0.25));
        Assert.Equal(Math.Exp(entropy), Spectrum.EffectiveRank([3.0, 1.0]), 14);
    }

    [Fact]
    public void EffectiveRankOfEmbeddingsUsesUncenteredSingularValues()
    {
        // Orthogonal rows scaled equally: singular values all 2, effective rank 4.
        var identityLike = new double[6, 4];
        for (int i = 0; i < 4; i++)
        {
            identityLike[i, i] = 2.0;
        }
        Assert.Equal(4.0, Spectrum.EffectiveRank(identityLike), 10);

        // Constant rows: rank 1 uncentered (centering would make it all zero).
        var constant = new double[5, 3];
        for (int i = 0; i < 5; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                constant[i, j] = 1.5;
            }
        }
        Assert.Equal(1.0, Spectrum.EffectiveRank(constant), 6);

        // Wide and tall orientations agree.
        double[,] x = RandomMatrix(7, 12, 2);
        var transposed = new double[12, 7];
        for (int i = 0; i < 7; i++)
        {
            for (int j = 0; j < 12; j++)
            {
                transposed[j, i] = x[i, j];
            }
        }
        Assert.Equal(Spectrum.EffectiveRank(x), Spectrum.EffectiveRank(transposed), 10);
        var singular = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(x).Svd(false).S.ToArray();
        Assert.Equal(Spectrum.EffectiveRank(singular), Spectrum.EffectiveRank(x), 10);
    }

    [Fact]
    public void EigenvalueEntropyClampsRoundOffNegatives()
    {
        Assert.Equal(Math.Log(2), Spectrum.EigenvalueEntropy([1.0, 1.0, -1e-17]), 14);
        Assert.Equal(0.0, Spectrum.EigenvalueEntropy([0.0, 5.0]), 14);
    }

    [Fact]
    public void BadInputNamesTheArgument()
    {
        Assert.Equal("singularValues", Assert.Throws<ArgumentException>(() => Spectrum.EffectiveRank([1.0, -1.0])).ParamName);
        Assert.Equal("singularValues", Assert.Throws<ArgumentException>(() => Spectrum.EffectiveRank([0.0, 0.0])).ParamName);
        Assert.Equal("singularValues", Assert.Throws<ArgumentException>(() => Spectrum.EffectiveRank([double.NaN])).ParamName);
        Assert.Equal("eigenvalues", Assert.Throws<ArgumentException>(() => Spectrum.EigenvalueEntropy([1.0, -0.5])).ParamName);
        Assert.Equal("embeddings", Assert.Throws<ArgumentException>(() => Spectrum.EffectiveRank(new double[3, 2])).ParamName);
    }
}
