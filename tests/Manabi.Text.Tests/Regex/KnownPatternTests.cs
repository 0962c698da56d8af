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

/// <summary>The scanners' character classes equal Oniguruma's over every code point (one text holding them all).</summary>
public class EveryCodePointTests
{
    [Theory]
    [InlineData(KnownPatterns.O200k)]
    [InlineData(KnownPatterns.Cl100k)]
    [InlineData(KnownPatterns.DeepSeekWords)]
    [InlineData(KnownPatterns.Gpt2)]
    public void ScannersEqualTheOracleOnAllCodePoints(string pattern)
    {
        var sb = new System.Text.StringBuilder();
        for (int cp = 0; cp < 0x110000; cp++)
        {
            if (cp is < 0xD800 or > 0xDFFF)
            {
                sb.Append(char.ConvertFromUtf32(cp));
                // Letters next to a sample of each kind: case-aware patterns then split on category changes.
                if (cp % 7 == 0)
                {
                    sb.Append(cp % 2 == 0 ? "a" : " ");
                }
            }
        }
        string text = sb.ToString();
        var request = new JsonObject
        {
            ["patterns"] = new JsonArray(JsonValue.Create(pattern)),
            ["texts"] = new JsonArray(JsonValue.Create(text)),
        };
        var oracle = TokenizersOracle.Run("split.js", request, 900_000).AsArray()[0]![0]!;
        int[] toUtf16 = SplitPatternParityTests.CodePointStarts(text);
        var removed = new HashSet<(int, int)>(TokenizersOracle.Offsets(oracle["removed"]).Select(o => (toUtf16[o.Start], toUtf16[o.End])));
        var expected = TokenizersOracle.Offsets(oracle["isolated"]).Select(o => (toUtf16[o.Start], toUtf16[o.End]))
            .Select(o => (o.Item1, o.Item2, !removed.Contains(o))).ToList();
        var scanner = Assert.IsType<KnownPatternScanner>(SplitPatterns.Regex(pattern));
        var actual = new List<(int Start, int End, bool IsMatch)>();
        scanner.FindMatches(text, actual);
        int at = 0;
        while (at < Math.Min(expected.Count, actual.Count) && expected[at] == actual[at])
        {
            at++;
        }
        Assert.True(at == expected.Count && at == actual.Count,
            $"{scanner.Kind}: segment {at} differs: HF {(at < expected.Count ? expected[at] : default)} vs {(at < actual.Count ? actual[at] : default)}, " +
            $"near U+{char.ConvertToUtf32(text, Math.Min(at < actual.Count ? actual[at].Start : 0, text.Length - 2)):X4}");
    }
}
