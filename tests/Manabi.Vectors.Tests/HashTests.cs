using System.Text;

namespace Manabi.Vectors.Tests;

public class HashTests
{
    [Theory]
    [InlineData("", 0x02CC5D05u)]
    [InlineData("a", 0x550D7456u)]
    [InlineData("abc", 0x32D153FFu)]
    public void XxHash32MatchesTheReference(string input, uint expected) =>
        Assert.Equal(expected, XxHash.Hash32(Encoding.UTF8.GetBytes(input)));

    [Theory]
    [InlineData("", 0xEF46DB3751D8E999ul)]
    [InlineData("a", 0xD24EC4F1A98C6E5Bul)]
    [InlineData("abc", 0x44BC2CF5AD770999ul)]
    public void XxHash64MatchesTheReference(string input, ulong expected) =>
        Assert.Equal(expected, XxHash.Hash64(Encoding.UTF8.GetBytes(input)));

    [Fact]
    public void LongInputsUseTheStripeLoops()
    {
        byte[] data = Encoding.UTF8.GetBytes(new string('x', 100));
        Assert.NotEqual(XxHash.Hash64(data), XxHash.Hash64(data.AsSpan(0, 99)));
        Assert.NotEqual(XxHash.Hash32(data), XxHash.Hash32(data.AsSpan(0, 99)));
    }

    [Fact]
    public void SplitMixSequenceIsFixed()
    {
        var rng = new SplitMix64(0);
        // Reference values of SplitMix64 seeded with 0.
        Assert.Equal(0xE220A8397B1DCDAFul, rng.Next());
        Assert.Equal(0x6E789E6AA1B965F4ul, rng.Next());
    }
}
