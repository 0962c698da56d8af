using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Manabi.Text.Tests.RegexSplitting;

/// <summary>
/// <see cref="TiktokenTokenizer.ToTokenizer"/>: the HF byte-level BPE pipeline of each tiktoken encoding gives
/// npm tiktoken 1.0.22's ids (every special token allowed, as the pipeline matches them as added tokens), decodes
/// back, has sane offsets, and its tokenizer.json gives the same ids in HF tokenizers 0.23.2.
/// </summary>
public class TiktokenTokenizerPipelineTests
{
    /// <summary>
    /// Texts with lone surrogates. tiktoken (Rust) receives them as U+FFFD from JavaScript or Python, and the
    /// pipeline's ByteLevel step also encodes a lone surrogate as U+FFFD's bytes, so the ids agree; decoding then
    /// gives U+FFFD where the surrogate was (no UTF-8 can carry it), which is the one difference from the input.
    /// </summary>
    private static readonly string[] LoneSurrogateTexts =
    [
        "a\uD800b", "\uDC00 \uD83D", "x\uD83D", "\uD83D\uD83D\uDE00", "abc\uDFFF123", " \uD800\uD800 hello", "\uDBFF",
        "I\uD83Dm 'S\uDC00'll", "\uD800\n\n\uDC00  ",
    ];

    private static readonly Lazy<List<string>> Texts = new(() =>
        [.. RegexTexts.All(adversarial: 1500, seed: 61), .. LoneSurrogateTexts, "<|endoftext|>", "a<|endoftext|>b <|endofprompt|>\n"]);

    public static TheoryData<string> Encodings() => new("r50k_base", "p50k_base", "cl100k_base", "o200k_base");

    /// <summary>tiktoken's <c>encode(text, allowed_special="all")</c> of each text.</summary>
    private static int[][] TiktokenIds(string encoding, IReadOnlyList<string> texts)
    {
        var request = new JsonObject
        {
            ["encoding"] = encoding,
            ["texts"] = new JsonArray(texts.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
            ["allowedSpecial"] = "all",
        };
        var response = TokenizersOracle.Run("tiktoken.js", request, 900_000).AsArray();
        return [.. response.Select((r, i) => r!["ids"] is { } ids
            ? TokenizersOracle.Ints(ids)
            : throw new InvalidOperationException($"tiktoken failed on text {i}: {r!["error"]}"))];
    }

    private static string Describe(string text)
    {
        string json = JsonSerializer.Serialize(text);
        return json[..Math.Min(json.Length, 160)];
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void PipelineIdsEqualTiktokenAndDecodeBack(string encoding)
    {
        var tokenizer = TiktokenTokenizer.Create(encoding).ToTokenizer();
        var texts = Texts.Value;
        var expected = TiktokenIds(encoding, texts);
        int failed = 0;
        string? first = null;
        for (int pass = 0; pass < 2; pass++) // the second pass runs on the BPE word cache
        {
            for (int t = 0; t < texts.Count; t++)
            {
                string text = texts[t];
                var ids = tokenizer.Encode(text, addSpecialTokens: false).Ids.ToArray();
                // A lone surrogate decodes as U+FFFD (see LoneSurrogateTexts); every other text comes back whole.
                string decodable = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));
                string? problem = null;
                if (!ids.SequenceEqual(expected[t]))
                {
                    int at = 0;
                    while (at < Math.Min(ids.Length, expected[t].Length) && ids[at] == expected[t][at])
                    {
                        at++;
                    }
                    problem = $"ids differ at {at}: tiktoken [{string.Join(",", expected[t].Skip(at).Take(5))}] vs [{string.Join(",", ids.Skip(at).Take(5))}]";
                }
                else if (tokenizer.CountTokens(text) != ids.Length)
                {
                    problem = $"CountTokens {tokenizer.CountTokens(text)} != {ids.Length}";
                }
                else if (tokenizer.Decode(ids, skipSpecialTokens: false) != decodable)
                {
                    problem = "decoding does not give the text back";
                }
                if (problem is not null)
                {
                    failed++;
                    first ??= $"pass {pass} text {t} {Describe(text)}: {problem}";
                }
            }
        }
        Assert.True(failed == 0, $"{encoding}: {failed} of {2 * texts.Count} encodings differ; first: {first}");
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void OffsetsSpanTheCharactersOfEachToken(string encoding)
    {
        var tiktoken = TiktokenTokenizer.Create(encoding);
        var tokenizer = tiktoken.ToTokenizer();
        var generalPath = tokenizer.WithTruncation(new TruncationOptions(1_000_000));
        foreach (string text in RegexTexts.Adversarial(300, 19).Where(t => t.Length < 1000).Concat(LoneSurrogateTexts))
        {
            var encoded = tokenizer.Encode(text, addSpecialTokens: false);
            // Truncation takes the general pipeline (pre-tokenized pieces) instead of the fused byte-level encoder.
            var general = generalPath.Encode(text, addSpecialTokens: false);
            Assert.Equal(encoded.Ids, general.Ids);
            Assert.Equal(encoded.Offsets, general.Offsets);
            int previousStart = 0, previousEnd = 0;
            for (int i = 0; i < encoded.Length; i++)
            {
                var (start, end) = encoded.Offsets[i];
                Assert.True(start >= 0 && start < end && end <= text.Length, $"token {i} ({start}, {end}) outside {Describe(text)}");
                // In order; a token holding part of a character's bytes spans that whole character, so only a
                // character split between tokens is shared by both.
                int shared = previousEnd - start;
                Assert.True(start >= previousStart && (shared <= 0 || shared == 1 || shared == 2 && char.IsSurrogatePair(text[start], text[start + 1])),
                    $"token {i} ({start}, {end}) out of order after ({previousStart}, {previousEnd}) in {Describe(text)}");
                byte[] tokenBytes = tiktoken.DecodeBytes([encoded.Ids[i]]);
                byte[] spanBytes = Encoding.UTF8.GetBytes(text[start..end]);
                Assert.True(spanBytes.AsSpan().IndexOf(tokenBytes) >= 0,
                    $"token {i} ({encoded.Ids[i]}) bytes are not within its span ({start}, {end}) of {Describe(text)}");
                (previousStart, previousEnd) = (start, end);
            }
            Assert.Equal(text.Length, previousEnd);
        }
    }

    [Theory]
    [InlineData("cl100k_base")]
    [InlineData("o200k_base")]
    public void TokenizerJsonInHfTokenizersGivesTiktokenIds(string encoding)
    {
        var tokenizer = TiktokenTokenizer.Create(encoding).ToTokenizer();
        List<string> texts = [.. RegexTexts.All(adversarial: 500, seed: 62), .. LoneSurrogateTexts, "a<|endoftext|>b <|endofprompt|>\n"];
        var expected = TiktokenIds(encoding, texts);
        var hf = TokenizersOracle.Encode(new JsonObject
        {
            ["tokenizerJson"] = tokenizer.ToJson(),
            ["texts"] = new JsonArray(texts.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
            ["addSpecialTokens"] = false,
            ["decode"] = false,
        });
        int failed = 0;
        string? first = null;
        for (int t = 0; t < texts.Count; t++)
        {
            int[] hfIds = TokenizersOracle.Ints(hf[t]!["ids"]);
            var ours = tokenizer.Encode(texts[t], addSpecialTokens: false);
            var hfOffsets = TokenizersOracle.Offsets(hf[t]!["offsets"]).Select(o => TokenizersOracle.ToUtf16(o, texts[t]));
            string? problem = !hfIds.SequenceEqual(expected[t]) ? $"HF [{string.Join(",", hfIds.Take(12))}] vs tiktoken [{string.Join(",", expected[t].Take(12))}]"
                : !hfOffsets.SequenceEqual(ours.Offsets) ? "offsets differ from HF's"
                : null;
            if (problem is not null)
            {
                failed++;
                first ??= $"text {t} {Describe(texts[t])}: {problem}";
            }
        }
        Assert.True(failed == 0, $"{encoding}: {failed} of {texts.Count} texts differ; first: {first}");
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void SpecialTokensAreAddedTokensWithTheirTiktokenIds(string encoding)
    {
        var tiktoken = TiktokenTokenizer.Create(encoding);
        var tokenizer = tiktoken.ToTokenizer();
        Assert.Same(tokenizer, tiktoken.ToTokenizer());
        Assert.Equal(tiktoken.SpecialTokens.OrderBy(p => p.Value).Select(p => (p.Key, p.Value, true)),
            tokenizer.AddedTokens.Select(t => (t.Content, t.Id, t.Special)));
        int endOfText = tiktoken.SpecialTokens["<|endoftext|>"];
        Assert.Equal(endOfText, tokenizer.TokenToId("<|endoftext|>"));

        const string text = "Hello<|endoftext|> world<|endoftext|>";
        var encoded = tokenizer.Encode(text, addSpecialTokens: false);
        Assert.Equal(tiktoken.Encode(text, ["<|endoftext|>"]), encoded.Ids);
        int at = encoded.Ids.ToList().IndexOf(endOfText);
        Assert.Equal((5, 18), encoded.Offsets[at]);
        Assert.Equal("Hello world", tokenizer.Decode(encoded.Ids));
        Assert.Equal(text, tokenizer.Decode(encoded.Ids, skipSpecialTokens: false));
        // The vocabulary: each id's token is its rank's bytes in the byte alphabet, or a special token; ids that
        // tiktoken leaves free (cl100k_base's 100261..100275) have none, and HF's vocabulary size counts the tokens.
        int tokens = 0;
        for (int id = 0; id < tiktoken.VocabularySize + 10; id++)
        {
            string? token = tokenizer.IdToToken(id);
            byte[]? bytes = null;
            try
            {
                bytes = tiktoken.DecodeBytes([id]);
            }
            catch (ArgumentOutOfRangeException)
            {
            }
            Assert.True(token is null == bytes is null, $"id {id}: token {token}, tiktoken bytes {(bytes is null ? "none" : Convert.ToHexString(bytes))}");
            if (token is null)
            {
                continue;
            }
            tokens++;
            byte[] expected = tiktoken.SpecialTokens.ContainsKey(token) ? Encoding.UTF8.GetBytes(token)
                : [.. token.Select(c => (byte)ByteLevelMapping.CharToByte(c))];
            Assert.True(expected.SequenceEqual(bytes!), $"id {id}: token {token} is not tiktoken's {Convert.ToHexString(bytes!)}");
        }
        Assert.Equal(tokens, tokenizer.GetVocabularySize());
    }

    [Fact]
    public void PipelineHasTheShapeOfHfsTiktokenConverter()
    {
        var tokenizer = TiktokenTokenizer.Create("o200k_base").ToTokenizer();
        var json = JsonNode.Parse(tokenizer.ToJson())!;
        var model = json["model"]!;
        Assert.Equal("BPE", model["type"]!.GetValue<string>());
        Assert.True(model["ignore_merges"]!.GetValue<bool>());
        var preTokenizers = json["pre_tokenizer"]!["pretokenizers"]!.AsArray();
        Assert.Equal(["Split", "ByteLevel"], preTokenizers.Select(p => p!["type"]!.GetValue<string>()));
        Assert.Equal("Isolated", preTokenizers[0]!["behavior"]!.GetValue<string>());
        Assert.False(preTokenizers[1]!["use_regex"]!.GetValue<bool>());
        Assert.False(preTokenizers[1]!["add_prefix_space"]!.GetValue<bool>());
        Assert.Equal("ByteLevel", json["decoder"]!["type"]!.GetValue<string>());
        Assert.Null(json["normalizer"]);
        Assert.Null(json["post_processor"]);

        // gpt-4o's tokenizer.json (an earlier conversion of o200k_base, one merge per token) has the same
        // vocabulary, and each of its merges is one of ours (HF's converter keeps every split of a token).
        var gpt4o = JsonNode.Parse(File.ReadAllText(TokenizersOracle.RealTokenizer("gpt4o")))!["model"]!;
        var ours = (BpeModel)tokenizer.Model;
        var theirs = gpt4o["vocab"]!.AsObject();
        Assert.Equal(theirs.Count, ours.Vocabulary.Count);
        Assert.All(theirs, p => Assert.Equal(p.Value!.GetValue<int>(), ours.Vocabulary[p.Key]));
        var ourMerges = ours.Merges.Select(m => $"{m.Left} {m.Right}").ToHashSet(StringComparer.Ordinal);
        var missing = gpt4o["merges"]!.AsArray().Select(m => m!.GetValue<string>()).Where(m => !ourMerges.Contains(m)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of gpt-4o's merges are not ours, e.g. {string.Join(", ", missing.Take(5))}");
        Assert.Equal(ours.Merges.Count, ourMerges.Count);
        // HF's converter's order: by the merged token's rank, then by the halves' ranks.
        var keys = ours.Merges.Select(m => (Merged: ours.Vocabulary[m.Left + m.Right], Left: ours.Vocabulary[m.Left], Right: ours.Vocabulary[m.Right])).ToList();
        for (int i = 1; i < keys.Count; i++)
        {
            Assert.True(keys[i - 1].CompareTo(keys[i]) < 0, $"merge {i} {keys[i]} is out of order after {keys[i - 1]}");
        }
        // Every split of every token into two tokens is a merge (counted here from the vocabulary).
        var specials = tokenizer.AddedTokens.Select(t => t.Content).ToHashSet(StringComparer.Ordinal);
        int splits = ours.Vocabulary.Keys.Where(t => !specials.Contains(t))
            .Sum(t => Enumerable.Range(1, t.Length - 1).Count(at => ours.Vocabulary.ContainsKey(t[..at]) && ours.Vocabulary.ContainsKey(t[at..])));
        Assert.Equal(splits, keys.Count);
    }
}
