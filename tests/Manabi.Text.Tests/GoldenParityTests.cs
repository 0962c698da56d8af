using System.Text.Json;

namespace Manabi.Text.Tests;

/// <summary>Exact parity with HF tokenizers (the Rust "fast" implementation) on wordpiece-golden.json.</summary>
public class GoldenParityTests
{
    [Fact]
    public void SingleTextsUncasedMatchIdsTokensAndOffsets()
    {
        var failures = new List<string>();
        foreach (JsonElement item in Golden.Root.GetProperty("single").EnumerateArray())
        {
            string text = item.GetProperty("text").GetString()!;
            var encoding = Golden.Uncased.Encode(text);
            Compare(failures, text, "ids", Golden.Ints(item.GetProperty("ids")), encoding.Ids);
            Compare(failures, text, "tokens", Golden.Strings(item.GetProperty("tokens")), encoding.Tokens);
            Compare(failures, text, "offsets_utf16", Golden.Pairs(item.GetProperty("offsets_utf16")), encoding.Offsets);
            Compare(failures, text, "offsets_codepoints", Golden.Pairs(item.GetProperty("offsets_codepoints")),
                encoding.GetCodePointOffsets(text));
            Compare(failures, text, "attention_mask", Enumerable.Repeat(1, encoding.Length), encoding.AttentionMask);
            Compare(failures, text, "type_ids", Enumerable.Repeat(0, encoding.Length), encoding.TypeIds);
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void SingleTextsCasedMatchIdsAndTokens()
    {
        var failures = new List<string>();
        foreach (JsonElement item in Golden.Root.GetProperty("single").EnumerateArray())
        {
            string text = item.GetProperty("text").GetString()!;
            var encoding = Golden.Cased.Encode(text);
            Compare(failures, text, "cased_ids", Golden.Ints(item.GetProperty("cased_ids")), encoding.Ids);
            Compare(failures, text, "cased_tokens", Golden.Strings(item.GetProperty("cased_tokens")), encoding.Tokens);
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void PairsMatchWithBothTruncationStrategiesIncludingErrors()
    {
        var failures = new List<string>();
        int checkedErrors = 0;
        foreach (JsonElement item in Golden.Root.GetProperty("pairs").EnumerateArray())
        {
            string a = item.GetProperty("a").GetString()!;
            string b = item.GetProperty("b").GetString()!;
            var strategy = item.GetProperty("strategy").GetString() switch
            {
                "longest_first" => TruncationStrategy.LongestFirst,
                "only_first" => TruncationStrategy.OnlyFirst,
                "only_second" => TruncationStrategy.OnlySecond,
                var other => throw new InvalidDataException(other),
            };
            var tokenizer = Golden.Uncased.WithTruncation(new TruncationOptions(item.GetProperty("max_length").GetInt32(), strategy));
            string label = $"{a} || {b} ({strategy})";
            if (item.TryGetProperty("error", out JsonElement error) && error.ValueKind != JsonValueKind.Null)
            {
                var thrown = Assert.Throws<TruncationException>(() => tokenizer.Encode(a, b));
                Assert.Contains("Truncation error", thrown.Message, StringComparison.Ordinal);
                checkedErrors++;
                continue;
            }
            var encoding = tokenizer.Encode(a, b);
            Compare(failures, label, "ids", Golden.Ints(item.GetProperty("ids")), encoding.Ids);
            Compare(failures, label, "type_ids", Golden.Ints(item.GetProperty("type_ids")), encoding.TypeIds);
            Compare(failures, label, "tokens", Golden.Strings(item.GetProperty("tokens")), encoding.Tokens);
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void PaddedBatchOfFirstEightMatchesIdsAndAttentionMask()
    {
        var texts = Golden.Root.GetProperty("single").EnumerateArray().Take(8).Select(e => e.GetProperty("text").GetString()!).ToList();
        var expected = Golden.Root.GetProperty("padded_batch_first8").EnumerateArray().ToList();
        var encodings = Golden.Uncased.WithPadding(new PaddingOptions()).EncodeBatch(texts);
        Assert.Equal(expected.Count, encodings.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(Golden.Ints(expected[i].GetProperty("ids")), encodings[i].Ids);
            Assert.Equal(Golden.Ints(expected[i].GetProperty("attention_mask")), encodings[i].AttentionMask);
        }
    }

    [Fact]
    public void SpanApiMatchesStringApiOnGoldenTexts()
    {
        Span<int> ids = stackalloc int[512];
        Span<(int, int)> offsets = new (int, int)[512];
        foreach (JsonElement item in Golden.Root.GetProperty("single").EnumerateArray())
        {
            string text = item.GetProperty("text").GetString()!;
            int n = Golden.Uncased.EncodeToIds(text, ids, offsets);
            Assert.Equal(Golden.Ints(item.GetProperty("ids")), ids[..n].ToArray());
            Assert.Equal(Golden.Pairs(item.GetProperty("offsets_utf16")), offsets[..n].ToArray());
        }
    }

    private static void Compare<T>(List<string> failures, string text, string what, IEnumerable<T> expected, IEnumerable<T> actual)
    {
        if (!expected.SequenceEqual(actual))
        {
            failures.Add($"{what} differ for {JsonSerializer.Serialize(text)}:\n  HF:     {Golden.Show(expected)}\n  Manabi: {Golden.Show(actual)}");
        }
    }
}
