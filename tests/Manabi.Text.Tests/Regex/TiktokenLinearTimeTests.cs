using Manabi.Text.Tests.Models;
using Xunit.Abstractions;

namespace Manabi.Text.Tests.Regex;

/// <summary>
/// tiktoken's own merge scans every pair after each merge, quadratic in a piece's length; Manabi's merges long pieces
/// through a heap. Runs of one letter, of an emoji and of a two-letter word (one piece each) must grow linearly.
/// </summary>
public sealed class TiktokenLinearTimeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("o200k_base", "a")]
    [InlineData("o200k_base", "😀")]
    [InlineData("cl100k_base", "ab")]
    [InlineData("r50k_base", "a")]
    public void Long_pieces_encode_in_linear_time(string encoding, string unit)
    {
        var tokenizer = TiktokenTokenizer.Create(encoding);
        ThreadCpuTime.AssertLinear(piece => tokenizer.EncodeWithOffsets(piece)[^1].End, unit, output, $"{encoding} '{unit}'");
    }
}
