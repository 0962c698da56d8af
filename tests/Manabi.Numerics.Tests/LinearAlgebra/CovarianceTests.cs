using Manabi.Numerics.LinearAlgebra;

namespace Manabi.Numerics.Tests.LinearAlgebra;

public class CovarianceTests
{
    [Fact]
    public void MatchesHandComputedValues()
    {
        // Columns (1, 2, 3) and (2, 4, 7): means 2 and 13/3.
        double[,] x = { { 1, 2 }, { 2, 4 }, { 3, 7 } };
        double[,] unbiased = Covariance.Compute(x);
        Assert.Equal(1.0, unbiased[0, 0], 14);
        Assert.Equal(2.5, unbiased[0, 1], 14);
        Assert.Equal(2.5, unbiased[1, 0], 14);
        Assert.Equal(6.333333333333333, unbiased[1, 1], 14);
        double[,] biased = Covariance.Compute(x, unbiased: false);
        Assert.Equal(2.0 / 3.0, biased[0, 0], 14);
        Assert.Equal(19.0 / 3.0 * 2.0 / 3.0, biased[1, 1], 14);
    }

    [Fact]
    public void RejectsSingleSampleAndNaN()
    {
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => Covariance.Compute(new double[1, 3])).ParamName);
        Assert.Equal(0.0, Covariance.Compute(new double[1, 2], unbiased: false)[0, 1]);
        var error = Assert.Throws<ArgumentException>(() => Covariance.Compute(new double[,] { { 1, 2 }, { double.NaN, 3 } }));
        Assert.Equal("x", error.ParamName);
        Assert.Contains("x[1, 0]", error.Message, StringComparison.Ordinal);
    }
}
