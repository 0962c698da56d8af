using System.Text.Json.Nodes;

namespace Manabi.Text.Tests.RegexSplitting;

/// <summary>The split patterns of the real tokenizer.json files reach the hand-written scanners.</summary>
public class KnownPatternTests
{
    [Theory]
    [InlineData("llama3", "Cl100k")]
    [InlineData("qwen3", "Qwen")]
    [InlineData("gpt4o", "O200k")]
    [InlineData("deepseek_v3", "DeepSeekDigits,DeepSeekCjk,DeepSeekWords")]
    public void RealTokenizerPatternsAreKnown(string name, string kinds)
    {
        var json = JsonNode.Parse(File.ReadAllText(TokenizersOracle.RealTokenizer(name)))!;
        var found = new List<string>();
        Collect(json["pre_tokenizer"], found);
        Assert.NotEmpty(found);
        var actual = found.Select(p => SplitPatterns.Regex(p) is KnownPatternScanner s ? s.Kind.ToString() : "general: " + p);
        Assert.Equal(kinds, string.Join(",", actual));
    }

    [Fact]
    public void ByteLevelsDefaultPatternIsKnown() =>
        Assert.Equal(KnownPattern.Gpt2, Assert.IsType<KnownPatternScanner>(SplitPatterns.Regex(KnownPatterns.Gpt2)).Kind);

    [Fact]
    public void PatternsAreSharedAndOtherPatternsTakeTheGeneralPath()
    {
        Assert.Same(SplitPatterns.Regex(KnownPatterns.O200k), SplitPatterns.Regex(KnownPatterns.O200k));
        Assert.IsType<GeneralRegexPattern>(SplitPatterns.Regex(@"\p{L}+|\s+"));
    }

    [Fact]
    public void EmptyTextGivesOneEmptyNonMatch()
    {
        foreach (var pattern in new[] { SplitPatterns.Regex(KnownPatterns.Cl100k), SplitPatterns.Regex("a*") })
        {
            var output = new List<(int, int, bool)>();
            pattern.FindMatches("", output);
            Assert.Equal([(0, 0, false)], output);
        }
    }

    private static void Collect(JsonNode? node, List<string> found)
    {
        if (node is JsonObject o)
        {
            if (o["pattern"]?["Regex"] is JsonNode regex)
            {
                found.Add(regex.GetValue<string>());
            }
            foreach (var (_, child) in o)
            {
                Collect(child, found);
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var child in a)
            {
                Collect(child, found);
            }
        }
    }
}
