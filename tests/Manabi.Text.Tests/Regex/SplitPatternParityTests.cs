using System.Text.Json;
using System.Text.Json.Nodes;

namespace Manabi.Text.Tests.RegexSplitting;

/// <summary>
/// Regex splitting equals HF tokenizers 0.23.2 (Oniguruma through the Node binding) segment for segment, in UTF-16
/// indices, on heldout.txt, the stress lines and adversarial strings: for the known patterns of real tokenizer.json
/// files (whose hand-written scanners must also equal the general path) and for general patterns.
/// </summary>
public class SplitPatternParityTests
{
    public static readonly string[] Patterns =
    [
        // GPT-2 / ByteLevel's default, r50k/p50k.
        @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+",
        // Llama-3 / cl100k.
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
        // Qwen.
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
        // o200k (gpt-4o).
        @"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+",
        // DeepSeek-V3's three.
        @"\p{N}{1,3}",
        "[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+",
        "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
        // General patterns: empty matches, anchors, case folds, possessive and nested repeats, astral literals.
        "a*",
        @"\s*",
        "x?",
        @"\p{N}",
        @"[^\s]+",
        @"\w+",
        "(?i)k+",
        "(?i:'s|k|[σx])",
        ".",
        @"\p{N}{1,3}+",
        @"\p{L}++|\s",
        @"(?<=a)\p{L}|\p{Lu}",
        @"^\s+|\s+$",
        @"\p{M}+|\p{Cf}",
        @"\x{1F600}+|\x{1D400}",
        "[😀😁]|𝐀+",
        @"\p{S}{2,}|\p{Lo}{1,2}",
        @"[\p{Ll}\p{Lm}]+(?=\p{Lu})",
        @"\b\w|\B\p{N}",
    ];

    private static readonly Lazy<(List<string> Texts, JsonArray Oracle)> Data = new(() =>
    {
        var texts = RegexTexts.All();
        var request = new JsonObject
        {
            ["patterns"] = new JsonArray(Patterns.Select(p => (JsonNode)JsonValue.Create(p)).ToArray()),
            ["texts"] = new JsonArray(texts.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
        };
        return (texts, TokenizersOracle.Run("split.js", request, 900_000).AsArray());
    });

    public static TheoryData<int> PatternIndexes() => new(Enumerable.Range(0, Patterns.Length));

    [Theory]
    [MemberData(nameof(PatternIndexes))]
    public void SplitsEqualTheOracle(int index)
    {
        string pattern = Patterns[index];
        var (texts, oracle) = Data.Value;
        JsonNode result = oracle[index]!;
        Assert.True(result is JsonArray, $"the oracle failed on pattern {pattern}: {result.ToJsonString()}");
        var chosen = SplitPatterns.Regex(pattern);
        var general = SplitPatterns.General(pattern);
        var segments = new List<(int Start, int End, bool IsMatch)>();
        var generalSegments = new List<(int Start, int End, bool IsMatch)>();
        int failed = 0;
        string? first = null;
        for (int t = 0; t < texts.Count; t++)
        {
            string text = texts[t];
            var expected = Expected(result[t]!, text);
            segments.Clear();
            chosen.FindMatches(text, segments);
            generalSegments.Clear();
            general.FindMatches(text, generalSegments);
            string? problem = CheckCoverage(segments, text.Length) ?? CheckCoverage(generalSegments, text.Length);
            var actual = segments.Where(s => s.Start != s.End).ToList();
            var actualGeneral = generalSegments.Where(s => s.Start != s.End).ToList();
            if (problem is null && !actual.SequenceEqual(expected))
            {
                problem = Difference("chosen scanner", expected, actual, text);
            }
            if (problem is null && !segments.SequenceEqual(generalSegments))
            {
                problem = Difference("general path vs scanner", segments, generalSegments, text);
            }
            if (problem is null && !actualGeneral.SequenceEqual(expected))
            {
                problem = Difference("general path", expected, actualGeneral, text);
            }
            if (problem is not null)
            {
                failed++;
                first ??= $"text {t} {Show(text)}: {problem}";
            }
        }
        Assert.True(failed == 0, $"pattern {pattern} ({chosen.GetType().Name}): {failed} of {texts.Count} texts differ; first: {first}");
    }

    [Theory]
    [InlineData(@"\X", @"\X")]
    [InlineData("[[:alpha:]]", "POSIX")]
    [InlineData("(?~abc)", "absent")]
    [InlineData("[a-z&&[^aeiou]]", "intersection")]
    [InlineData(@"\p{Han}", "Han")]
    [InlineData("[😀-😂]", "astral")]
    [InlineData(@"(a)\1", "back reference")]
    [InlineData("(?i)class", "'ss'")]
    [InlineData("(?i:ß)", "ß")]
    public void UntranslatableConstructsThrowNamingThem(string pattern, string named)
    {
        var e = Assert.Throws<NotSupportedException>(() => SplitPatterns.General(pattern));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
        Assert.Contains(pattern, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidPatternsThrowArgumentExceptionNamingThePattern()
    {
        var e = Assert.Throws<ArgumentException>(() => SplitPatterns.General("(ab"));
        Assert.Contains("(ab", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoneSurrogatesDoNotCrashAndAreCoveredOnce()
    {
        foreach (string pattern in Patterns)
        {
            foreach (var splitter in new[] { SplitPatterns.Regex(pattern), SplitPatterns.General(pattern) })
            {
                foreach (string text in new[] { "a\uD800b", "\uDC00", "x \uD83D", "\uDE00\uD83D\uDE00 1" })
                {
                    var segments = new List<(int Start, int End, bool IsMatch)>();
                    splitter.FindMatches(text, segments);
                    Assert.Null(CheckCoverage(segments, text.Length));
                }
            }
        }
    }

    private static List<(int Start, int End, bool IsMatch)> Expected(JsonNode item, string text)
    {
        var toUtf16 = CodePointStarts(text);
        var removed = new HashSet<(int, int)>(TokenizersOracle.Offsets(item["removed"]).Select(o => (toUtf16[o.Start], toUtf16[o.End])));
        return TokenizersOracle.Offsets(item["isolated"])
            .Select(o => (toUtf16[o.Start], toUtf16[o.End]))
            .Select(o => (o.Item1, o.Item2, !removed.Contains(o)))
            .ToList();
    }

    /// <summary>UTF-16 index of each code point index (and of the end).</summary>
    internal static int[] CodePointStarts(string text)
    {
        var starts = new List<int>(text.Length + 1);
        for (int i = 0; i < text.Length; i++)
        {
            starts.Add(i);
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
        }
        starts.Add(text.Length);
        return [.. starts];
    }

    private static string? CheckCoverage(List<(int Start, int End, bool IsMatch)> segments, int length)
    {
        int at = 0;
        foreach (var (start, end, _) in segments)
        {
            if (start != at || end < start)
            {
                return $"segments do not cover the text in order at {at}: ({start}, {end})";
            }
            at = end;
        }
        return at == length && segments.Count > 0 ? null : $"segments end at {at} of {length}";
    }

    private static string Difference(string what, List<(int Start, int End, bool IsMatch)> expected,
        List<(int Start, int End, bool IsMatch)> actual, string text)
    {
        int at = 0;
        while (at < Math.Min(expected.Count, actual.Count) && expected[at] == actual[at])
        {
            at++;
        }
        return $"{what} differs at segment {at}: expected {string.Join(" ", expected.Skip(at).Take(3))} got {string.Join(" ", actual.Skip(at).Take(3))}";
    }

    private static string Show(string text)
    {
        string json = JsonSerializer.Serialize(text);
        return json.Length > 160 ? json[..160] + "..." : json;
    }
}
