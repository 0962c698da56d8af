using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Manabi.TestSupport;

namespace Manabi.Text.Tests.Pipeline;

/// <summary>
/// A stage for the parity tests: the C# implementation (a private test helper: the real normalizers and
/// pre-tokenizers belong to other files) and the tokenizer.json block HF builds the same stage from.
/// </summary>
internal sealed record TestStage(object Implementation, string Json);

/// <summary>Test stages mirroring HF's components, built only from NormalizedText's own operations.</summary>
internal static class TestStages
{
    private sealed class Normalizer(Action<NormalizedText> normalize) : ITextNormalizer
    {
        public void Normalize(NormalizedText text) => normalize(text);
    }

    private sealed class PreTokenizer(Func<NormalizedText, List<NormalizedText>> split) : IPreTokenizer
    {
        public void PreTokenize(PreTokenizedText text) => text.Split((_, n) => split(n));
    }

    public static TestStage Lowercase { get; } = new(new Normalizer(n => n.Lowercase()), """{"type":"Lowercase"}""");

    public static TestStage Strip { get; } = new(new Normalizer(n => n.Strip()), """{"type":"Strip","strip_left":true,"strip_right":true}""");

    public static TestStage Prepend(string prefix) => new(new Normalizer(n =>
    {
        if (!n.IsEmpty)
        {
            n.Prepend(prefix);
        }
    }), $$"""{"type":"Prepend","prepend":{{JsonSerializer.Serialize(prefix)}}}""");

    public static TestStage Replace(string pattern, string content) => new(new Normalizer(n => n.Replace(pattern, content)),
        $$"""{"type":"Replace","pattern":{"String":{{JsonSerializer.Serialize(pattern)}}},"content":{{JsonSerializer.Serialize(content)}}}""");

    public static TestStage Sequence(params TestStage[] normalizers) => new(
        new Normalizer(n =>
        {
            foreach (var stage in normalizers)
            {
                ((ITextNormalizer)stage.Implementation).Normalize(n);
            }
        }),
        $$"""{"type":"Sequence","normalizers":[{{string.Join(",", normalizers.Select(s => s.Json))}}]}""");

    public static TestStage WhitespaceSplit { get; } = new(
        new PreTokenizer(n => n.Split(new CharPredicatePattern(c => c < 0x10000 && char.IsWhiteSpace((char)c)), SplitDelimiterBehavior.Removed)),
        """{"type":"WhitespaceSplit"}""");

    public static TestStage Split(string literal, SplitDelimiterBehavior behavior) => new(
        new PreTokenizer(n => n.Split(new LiteralPattern(literal), behavior)),
        $$"""{"type":"Split","pattern":{"String":{{JsonSerializer.Serialize(literal)}}},"behavior":"{{behavior}}","invert":false}""");
}

/// <summary>Builds tokenizers on both sides and compares every field of every encoding with HF's.</summary>
internal static class PipelineOracle
{
    private static readonly Lazy<string[]> s_texts = new(LoadTexts);

    /// <summary>Held-out English lines, stress texts (Japanese, fuzz) and adversarial strings.</summary>
    public static string[] Texts => s_texts.Value;

    public static readonly string[] Adversarial =
    [
        "", " ", "   ", "a", "Hello world", "  leading and trailing  ", "İstanbul İİ ı", "straße STRASSE",
        "e\u0301le\u0301gant élégant", "naïve café", "\u00A0nbsp\u00A0inside\u00A0", "line\u2028separator\u2029para",
        "next\u0085line", "tab\tand\nnewline\r\n", "😀 emoji 👍🏽 family 👨‍👩‍👧", "𝔾𝕠𝕠𝕕 𝕞𝕠𝕣𝕟𝕚𝕟𝕘", "𠀀𠀁 cjk ext b 𪜀",
        "数字１２３ ＡＢＣ", "日本語のテキストです。", "𝟘𝟙𝟚 astral digits", "a-b--c---d", "--leading-dash", "trailing--",
        "x\u0300\u0301\u0302 combining", "\u200Bzero\u200Bwidth\u200D", "ﬁ ﬂ ligatures", "ǅ titlecase Ǉ", "ΣΑΣ σας",
    ];

    private static string[] LoadTexts()
    {
        var texts = new List<string>();
        texts.AddRange(File.ReadLines(Fixtures.Path("tokenizer", "heldout.txt")).Take(250));
        using (var gz = new GZipStream(File.OpenRead(Fixtures.Path("tokenizer", "wordpiece-stress.jsonl.gz")), CompressionMode.Decompress))
        using (var reader = new StreamReader(gz, Encoding.UTF8))
        {
            var byKind = new Dictionary<string, int>();
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                var node = JsonNode.Parse(line)!;
                string kind = node["kind"]!.GetValue<string>();
                string text = node["text"]!.GetValue<string>();
                if (byKind.GetValueOrDefault(kind) < 60 && TokenizersOracle.IsWellFormedUtf16(text))
                {
                    byKind[kind] = byKind.GetValueOrDefault(kind) + 1;
                    texts.Add(text);
                }
            }
        }
        texts.AddRange(Adversarial);
        return [.. texts];
    }


    /// <summary>A WordLevel vocabulary of the whitespace words of some texts (so other texts meet unknown words).</summary>
    public static Dictionary<string, int> Vocabulary(IEnumerable<string> texts, Func<string, string>? map = null, params string[] extra)
    {
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal) { ["[UNK]"] = 0 };
        foreach (string word in extra.Concat(texts.SelectMany(t => t.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))))
        {
            string w = map is null ? word : map(word);
            vocab.TryAdd(w, vocab.Count);
        }
        return vocab;
    }

    /// <summary>The tokenizer.json text of a WordLevel pipeline.</summary>
    public static string Json(Dictionary<string, int> vocab, TestStage? normalizer = null, TestStage? preTokenizer = null,
        string postProcessor = "null", string addedTokens = "[]", string truncation = "null", string padding = "null", string decoder = "null")
    {
        string model = $"{{\"type\":\"WordLevel\",\"vocab\":{JsonSerializer.Serialize(vocab)},\"unk_token\":\"[UNK]\"}}";
        return $$"""
            {"version":"1.0","truncation":{{truncation}},"padding":{{padding}},"added_tokens":{{addedTokens}},
             "normalizer":{{normalizer?.Json ?? "null"}},"pre_tokenizer":{{preTokenizer?.Json ?? "null"}},
             "post_processor":{{postProcessor}},"decoder":{{decoder}},"model":{{model}}}
            """;
    }

    /// <summary>Our tokenizer for <paramref name="json"/>, with the test stages in place of the JSON's normalizer/pre-tokenizer.</summary>
    public static Tokenizer Build(string json, TestStage? normalizer = null, TestStage? preTokenizer = null)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        node["normalizer"] = null;
        node["pre_tokenizer"] = null;
        var loaded = Tokenizer.FromJson(node.ToJsonString());
        var original = JsonNode.Parse(json)!["added_tokens"]!.AsArray()
            .Select(t => new AddedToken(t!["content"]!.GetValue<string>(), t["id"]!.GetValue<int>(), t["special"]?.GetValue<bool>() ?? false)
            {
                SingleWord = t["single_word"]?.GetValue<bool>() ?? false,
                LStrip = t["lstrip"]?.GetValue<bool>() ?? false,
                RStrip = t["rstrip"]?.GetValue<bool>() ?? false,
                Normalized = t["normalized"]?.GetValue<bool>() ?? true,
            });
        return new Tokenizer(loaded.Model, (ITextNormalizer?)normalizer?.Implementation, (IPreTokenizer?)preTokenizer?.Implementation,
            loaded.PostProcessor, loaded.Decoder, original, loaded.Truncation, loaded.Padding);
    }

    /// <summary>
    /// Encodes <paramref name="texts"/> (with <paramref name="pairs"/>) on both sides and fails on the first difference,
    /// naming the text and the field.
    /// </summary>
    public static void AssertSame(Tokenizer tokenizer, string json, IReadOnlyList<string> texts, IReadOnlyList<string>? pairs = null,
        bool addSpecialTokens = true, bool batch = false, bool skipSpecialTokens = true)
    {
        var request = new JsonObject
        {
            ["tokenizerJson"] = json,
            ["texts"] = new JsonArray([.. texts.Select(t => (JsonNode)JsonValue.Create(t)!)]),
            ["addSpecialTokens"] = addSpecialTokens,
            ["batch"] = batch,
            ["skipSpecialTokens"] = skipSpecialTokens,
        };
        if (pairs is not null)
        {
            request["pairs"] = new JsonArray([.. pairs.Select(t => (JsonNode)JsonValue.Create(t)!)]);
        }
        // The Node binding's encodeBatch takes no pairs.
        Assert.False(batch && pairs is not null, "the oracle cannot batch pairs");
        var expected = TokenizersOracle.Encode(request);
        IReadOnlyList<TokenEncoding> actual;
        if (batch)
        {
            actual = pairs is null
                ? tokenizer.EncodeBatch(texts, addSpecialTokens)
                : tokenizer.EncodeBatch([.. texts.Select((t, i) => (t, (string?)pairs[i]))], addSpecialTokens);
        }
        else
        {
            actual = [.. texts.Select((t, i) =>
            {
                try
                {
                    return tokenizer.Encode(t, pairs?[i], addSpecialTokens);
                }
                catch (TruncationException) when (expected[i]!["error"] is not null)
                {
                    return null!;
                }
            })];
        }
        for (int i = 0; i < texts.Count; i++)
        {
            string where = $"text #{i} {JsonSerializer.Serialize(texts[i])}" + (pairs is null ? "" : $" + pair {JsonSerializer.Serialize(pairs[i])}");
            var e = expected[i]!;
            if (e["error"] is { } error)
            {
                // HF refused (a truncation error): so did we.
                Assert.True(actual[i] is null, $"{where}: HF failed ({error}) but we encoded");
                continue;
            }
            Compare(e, actual[i], texts[i], pairs?[i], where);
            if (e["decoded"] is { } decoded)
            {
                Assert.True(decoded.GetValue<string>() == tokenizer.Decode(actual[i].Ids, skipSpecialTokens),
                    $"{where}: decoded {JsonSerializer.Serialize(tokenizer.Decode(actual[i].Ids, skipSpecialTokens))}, HF {decoded.ToJsonString()}");
            }
        }
    }

    private static void Compare(JsonNode e, TokenEncoding actual, string text, string? pair, string where)
    {
        Same(TokenizersOracle.Strings(e["tokens"]), actual.Tokens, where, "tokens");
        Same(TokenizersOracle.Ints(e["ids"]), actual.Ids, where, "ids");
        Same(TokenizersOracle.Ints(e["typeIds"]), actual.TypeIds, where, "type ids");
        Same(TokenizersOracle.Ints(e["attentionMask"]), actual.AttentionMask, where, "attention mask");
        Same(TokenizersOracle.Ints(e["specialTokensMask"]), actual.SpecialTokensMask, where, "special tokens mask");
        Same(TokenizersOracle.Ints(e["wordIds"]), actual.WordIds, where, "word ids");
        var sequences = TokenizersOracle.Ints(e["sequenceIds"]);
        Same(sequences, actual.SequenceIds, where, "sequence ids");
        var offsets = TokenizersOracle.Offsets(e["offsets"]).Select((o, k) =>
            TokenizersOracle.ToUtf16(o, sequences[k] == 1 && pair is not null ? pair : text)).ToArray();
        Same(offsets, actual.Offsets, where, "offsets (UTF-16)");
        // encode.js reports the windows of the top-level encoding only, not the windows' own windows.
        if (e["overflowing"]?.AsArray() is not { } overflowing)
        {
            return;
        }
        Assert.True(overflowing.Count == actual.Overflowing.Count,
            $"{where}: {actual.Overflowing.Count} overflowing windows, HF {overflowing.Count}");
        for (int k = 0; k < overflowing.Count; k++)
        {
            Compare(overflowing[k]!, actual.Overflowing[k], text, pair, $"{where} overflowing[{k}]");
        }
    }

    private static void Same<T>(IReadOnlyList<T> expected, IReadOnlyList<T> actual, string where, string field)
    {
        if (!expected.SequenceEqual(actual))
        {
            int k = 0;
            while (k < Math.Min(expected.Count, actual.Count) && Equals(expected[k], actual[k]))
            {
                k++;
            }
            Assert.Fail($"{where}: {field} differ at {k}: ours [{string.Join(", ", actual.Skip(Math.Max(0, k - 2)).Take(6))}] " +
                $"HF [{string.Join(", ", expected.Skip(Math.Max(0, k - 2)).Take(6))}] (lengths {actual.Count}/{expected.Count})");
        }
    }
}
