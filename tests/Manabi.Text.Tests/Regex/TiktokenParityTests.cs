using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Manabi.Text.Tests.RegexSplitting;

/// <summary>TiktokenTokenizer equals npm tiktoken 1.0.22 (OpenAI's Rust tiktoken) id for id.</summary>
public class TiktokenParityTests
{
    private static readonly Lazy<List<string>> Texts = new(() => RegexTexts.All(adversarial: 2000, seed: 50));

    public static TheoryData<string> Encodings() => new("r50k_base", "p50k_base", "cl100k_base", "o200k_base");

    private static JsonArray Oracle(string encoding, IEnumerable<string> texts, string[]? allowedSpecial = null)
    {
        var request = new JsonObject
        {
            ["encoding"] = encoding,
            ["texts"] = new JsonArray(texts.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
        };
        if (allowedSpecial is not null)
        {
            request["allowedSpecial"] = new JsonArray(allowedSpecial.Select(s => (JsonNode)JsonValue.Create(s)).ToArray());
        }
        return TokenizersOracle.Run("tiktoken.js", request, 900_000).AsArray();
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void OrdinaryIdsCountsAndDecodingEqualTiktoken(string encoding)
    {
        var tokenizer = TiktokenTokenizer.Create(encoding);
        var texts = Texts.Value;
        var oracle = Oracle(encoding, texts);
        int failed = 0;
        string? first = null;
        var buffer = new int[1024];
        for (int pass = 0; pass < 2; pass++) // the second pass runs on the piece cache
        {
            for (int t = 0; t < texts.Count; t++)
            {
                string text = texts[t];
                int[] expected = TokenizersOracle.Ints(oracle[t]!["ids"]);
                int[] actual = tokenizer.EncodeOrdinary(text);
                if (buffer.Length < TiktokenTokenizer.MaxTokenCount(text.Length))
                {
                    buffer = new int[TiktokenTokenizer.MaxTokenCount(text.Length)];
                }
                int n = tokenizer.EncodeToIds(text, buffer);
                string? problem = null;
                if (!actual.SequenceEqual(expected))
                {
                    int at = 0;
                    while (at < Math.Min(actual.Length, expected.Length) && actual[at] == expected[at])
                    {
                        at++;
                    }
                    problem = $"ids differ at {at}: tiktoken [{string.Join(",", expected.Skip(at).Take(5))}] vs [{string.Join(",", actual.Skip(at).Take(5))}]";
                }
                else if (!buffer.AsSpan(0, n).SequenceEqual(expected))
                {
                    problem = "EncodeToIds differs from EncodeOrdinary";
                }
                else if (tokenizer.CountTokens(text) != expected.Length)
                {
                    problem = $"CountTokens {tokenizer.CountTokens(text)} != {expected.Length}";
                }
                else if (tokenizer.Decode(actual) != text)
                {
                    problem = "decoding does not give the text back";
                }
                if (problem is not null)
                {
                    failed++;
                    string json = JsonSerializer.Serialize(text);
                    first ??= $"pass {pass} text {t} {json[..Math.Min(json.Length, 160)]}: {problem}";
                }
            }
        }
        Assert.True(failed == 0, $"{encoding}: {failed} of {2 * texts.Count} encodings differ; first: {first}");
    }

    /// <summary>
    /// Pieces longer than 384 bytes merge through a heap instead of tiktoken's scan: random words of up to 6,000 letters
    /// over small and large alphabets (many equal ranks, so the leftmost rule decides), CJK and emoji runs, against tiktoken.
    /// </summary>
    [Theory]
    [MemberData(nameof(Encodings))]
    public void LongPiecesMergeAsTiktoken(string encoding)
    {
        var random = new Random(2026);
        string[] alphabets = ["ab", "abc", "abcdefghijklmnopqrstuvwxyz", "aeiou", "東京都大阪府日本語", "0123456789", "😀🙂👍🏽"];
        var texts = new List<string>();
        foreach (string alphabet in alphabets)
        {
            var elements = System.Globalization.StringInfo.GetTextElementEnumerator(alphabet);
            var units = new List<string>();
            while (elements.MoveNext())
            {
                units.Add((string)elements.Current);
            }
            foreach (int length in new[] { 130, 400, 1500, 6000 })
            {
                texts.Add(string.Concat(Enumerable.Range(0, length).Select(_ => units[random.Next(units.Count)])));
            }
        }
        var tokenizer = TiktokenTokenizer.Create(encoding);
        var oracle = Oracle(encoding, texts);
        for (int t = 0; t < texts.Count; t++)
        {
            int[] expected = TokenizersOracle.Ints(oracle[t]!["ids"]);
            Assert.True(expected.SequenceEqual(tokenizer.EncodeOrdinary(texts[t])),
                $"{encoding}: text {t} ({texts[t].Length} chars of {texts[t][..Math.Min(8, texts[t].Length)]}…) encodes differently from tiktoken");
        }
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void AllowedSpecialTokensEqualTiktokenAndOthersAreRefused(string encoding)
    {
        var tokenizer = TiktokenTokenizer.Create(encoding);
        string[] specials = [.. tokenizer.SpecialTokens.Keys];
        var texts = new List<string>();
        var random = new Random(7);
        for (int i = 0; i < 300; i++)
        {
            var sb = new StringBuilder();
            for (int j = random.Next(1, 8); j > 0; j--)
            {
                sb.Append(random.Next(3) == 0 ? specials[random.Next(specials.Length)] : RegexTexts.Pieces[random.Next(RegexTexts.Pieces.Length)]);
            }
            texts.Add(sb.ToString());
        }
        var oracle = Oracle(encoding, texts, specials);
        for (int t = 0; t < texts.Count; t++)
        {
            int[] expected = TokenizersOracle.Ints(oracle[t]!["ids"]);
            Assert.True(expected.SequenceEqual(tokenizer.Encode(texts[t], specials)),
                $"{encoding}: {JsonSerializer.Serialize(texts[t])}: tiktoken [{string.Join(",", expected)}] vs [{string.Join(",", tokenizer.Encode(texts[t], specials))}]");
            Assert.Equal(texts[t], tokenizer.Decode(expected));
        }
        var e = Assert.Throws<ArgumentException>(() => tokenizer.Encode("x <|endoftext|>"));
        Assert.Contains("<|endoftext|>", e.Message, StringComparison.Ordinal);
        Assert.Equal(tokenizer.EncodeOrdinary("x <|endoftext|>"), Oracle(encoding, ["x <|endoftext|>"]).Select(n => TokenizersOracle.Ints(n!["ids"])).Single());
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void OffsetsCoverTheCharactersOfEachToken(string encoding)
    {
        var tokenizer = TiktokenTokenizer.Create(encoding);
        foreach (string text in RegexTexts.Adversarial(300, 9).Where(t => t.Length < 1000))
        {
            var tokens = tokenizer.EncodeWithOffsets(text);
            Assert.Equal(tokenizer.EncodeOrdinary(text), tokens.Select(t => t.Id));
            int previousEnd = 0;
            foreach (var token in tokens)
            {
                Assert.True(token.Start <= token.End && token.Start >= 0 && token.End <= text.Length, $"{token} outside the text");
                // Tokens are in order; one holding part of a character shares that character with its neighbour.
                Assert.True(token.Start >= previousEnd || token.Start < previousEnd && token.Start >= previousEnd - 2, $"{token} out of order");
                byte[] bytes = tokenizer.DecodeBytes([token.Id]);
                byte[] span = Encoding.UTF8.GetBytes(text[token.Start..token.End]);
                Assert.True(span.AsSpan().IndexOf(bytes) >= 0, $"token {token.Id} bytes not within its span {token.Start}..{token.End} of {JsonSerializer.Serialize(text)}");
                previousEnd = token.End;
            }
            Assert.Equal(text.Length, previousEnd);
        }
    }

    [Fact]
    public void LoneSurrogatesEncodeAsTheReplacementCharacter()
    {
        var tokenizer = TiktokenTokenizer.Create("o200k_base");
        Assert.Equal(tokenizer.EncodeOrdinary("a\uFFFDb"), tokenizer.EncodeOrdinary("a\uD800b"));
        Assert.Equal(tokenizer.EncodeOrdinary("\uFFFD \uFFFD"), tokenizer.EncodeOrdinary("\uDC00 \uD83D"));
        Assert.Equal([64, 3251, 65], tokenizer.EncodeOrdinary("a\uD800b")); // npm tiktoken's answer
    }

    [Fact]
    public void DecodingReplacesInvalidUtf8AndRefusesUnknownIds()
    {
        var tokenizer = TiktokenTokenizer.Create("cl100k_base");
        int[] ids = tokenizer.EncodeOrdinary("\U0001F600");
        Assert.True(ids.Length > 1, "the emoji takes several byte tokens");
        Assert.Equal("\uFFFD", tokenizer.Decode(ids.AsSpan(0, 1)));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([5_000_000]));
        Assert.Contains("5000000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownEncodingsAndShortDestinationsAreClearErrors()
    {
        var e = Assert.Throws<ArgumentException>(() => TiktokenTokenizer.Create("gpt5_base"));
        Assert.Contains("gpt5_base", e.Message, StringComparison.Ordinal);
        Assert.Contains("o200k_base", e.Message, StringComparison.Ordinal);
        var tokenizer = TiktokenTokenizer.Create("o200k_base");
        var d = Assert.Throws<ArgumentException>(() => tokenizer.EncodeToIds("hello world and more", new int[2]));
        Assert.Contains("CountTokens", d.Message, StringComparison.Ordinal);
        Assert.Same(tokenizer, TiktokenTokenizer.Create("o200k_base"));
    }

    [Fact]
    public void SpanEncodingAllocatesNothingOnceWarm()
    {
        var tokenizer = TiktokenTokenizer.Create("o200k_base");
        string text = string.Join(" ", RegexTexts.Heldout().Take(50));
        var ids = new int[TiktokenTokenizer.MaxTokenCount(text.Length)];
        tokenizer.EncodeToIds(text, ids);
        tokenizer.CountTokens(text);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            tokenizer.EncodeToIds(text, ids);
            tokenizer.CountTokens(text);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"{allocated} bytes allocated by 20 warm span calls");
    }
}
