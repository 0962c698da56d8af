namespace Manabi.Numerics.Tests.Divergences;

public sealed class LogBaseTests
{
    [Theory]
    [InlineData("e", Math.E)]
    [InlineData("nats", Math.E)]
    [InlineData(" NAT ", Math.E)]
    [InlineData("2", 2.0)]
    [InlineData("bits", 2.0)]
    [InlineData("bit", 2.0)]
    [InlineData("10", 10.0)]
    [InlineData("dits", 10.0)]
    [InlineData("hartleys", 10.0)]
    [InlineData("3", 3.0)]
    [InlineData("1.5", 1.5)]
    public void ParseReadsNamesAndNumbers(string text, double expected) =>
        Assert.Equal(expected, LogBase.Parse(text).Value);

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("bytes")]
    [InlineData("")]
    public void ParseRejectsAnythingElseQuotingTheText(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => LogBase.Parse(text));
        Assert.Contains($"'{text}'", error.Message);
        Assert.False(LogBase.TryParse(text, out _));
    }

    [Fact]
    public void DefaultMeansNatsAndUnitsConvert()
    {
        Assert.True(default(LogBase).IsNats);
        Assert.Equal(1.0, default(LogBase).NaturalLogarithm);
        Assert.Equal(InformationTheory.Entropy([0.2, 0.8], LogBase.Nats), InformationTheory.Entropy([0.2, 0.8]));
        Assert.Equal(1.0, InformationTheory.Entropy([0.5, 0.5], LogBase.Bits));
        Assert.Equal(1.0, InformationTheory.Entropy(Enumerable.Repeat(1.0, 10).ToArray(), LogBase.Decimal), 15);
        Assert.Equal(1.0, LogBase.Bits.FromNats(Math.Log(2)));
        Assert.Equal("bits", LogBase.Bits.ToString());
        Assert.Equal("nats", default(LogBase).UnitName);
        Assert.Equal("hartleys", LogBase.Decimal.UnitName);
        Assert.Equal("log base 3", new LogBase(3).UnitName);
    }
}
