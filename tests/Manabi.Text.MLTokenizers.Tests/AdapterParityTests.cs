using System.Buffers;
using Microsoft.ML.Tokenizers;
using MLTokenizer = Microsoft.ML.Tokenizers.Tokenizer;

namespace Manabi.Text.MLTokenizers.Tests;

/// <summary>
/// The adapter against Manabi's own encodings (byte-level BPE, SentencePiece-style BPE, WordPiece) and its limits,
/// indexes and decoding against brute-force definitions over the text's positions.
/// </summary>
public sealed class AdapterParityTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string name in RealTokenizers.Names)
        {
            foreach (string text in RealTokenizers.Corpus())
            {
                data.Add(name, text);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Tokens_ids_offsets_and_counts_are_Manabis(string name, string text)
    {
        var tokenizer = RealTokenizers.Get(name);
        MLTokenizer adapter = tokenizer.AsMLTokenizer();
        var expected = tokenizer.Encode(text, addSpecialTokens: false);

        var tokens = adapter.EncodeToTokens(text, out string? normalized);
        Assert.Null(normalized);
        Assert.Equal(expected.Ids, tokens.Select(t => t.Id));
        Assert.Equal(expected.Tokens, tokens.Select(t => t.Value));
        Assert.Equal(expected.Offsets, tokens.Select(t => (t.Offset.Start.GetOffset(text.Length), t.Offset.End.GetOffset(text.Length))));

        Assert.Equal(expected.Ids, adapter.EncodeToIds(text));
        Assert.Equal(expected.Ids, adapter.EncodeToIds(text.AsSpan()));
        // The settings flags do not switch stages off (see ManabiMLTokenizer's remarks).
        Assert.Equal(expected.Ids, adapter.EncodeToIds(text, considerPreTokenization: false, considerNormalization: false));
        Assert.Equal(expected.Length, adapter.CountTokens(text));
        Assert.Equal(expected.Length, adapter.CountTokens(text.AsSpan(), considerNormalization: false));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Token_limits_and_indexes_agree_with_brute_force_over_text_positions(string name, string text)
    {
        var tokenizer = RealTokenizers.Get(name);
        MLTokenizer adapter = tokenizer.AsMLTokenizer();
        var full = tokenizer.Encode(text, addSpecialTokens: false);
        for (int max = 1; max <= full.Length + 1; max++)
        {
            var (index, count) = BruteForceFromStart(full.Offsets, text.Length, max);
            Assert.Equal(index, adapter.GetIndexByTokenCount(text, max, out string? normalized, out int tokenCount));
            Assert.Null(normalized);
            Assert.Equal(count, tokenCount);
            Assert.Equal(index, adapter.GetIndexByTokenCount(text.AsSpan(), max, out _, out _));

            var ids = adapter.EncodeToIds(text, max, out normalized, out int charsConsumed);
            Assert.Null(normalized);
            Assert.Equal(full.Ids.Take(count), ids);
            Assert.Equal(index, charsConsumed);
            Assert.Equal(count, adapter.EncodeToIds(text.AsSpan(), max, out _, out _).Count);
            Assert.Equal(count, SpanIndexTokenCount(adapter, text, max));

            var (startIndex, endCount) = BruteForceFromEnd(full.Offsets, text.Length, max);
            Assert.Equal(startIndex, adapter.GetIndexByTokenCountFromEnd(text, max, out normalized, out tokenCount));
            Assert.Null(normalized);
            Assert.Equal(endCount, tokenCount);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_round_trips_and_the_span_decode_reports_a_short_destination(string name, string text)
    {
        var tokenizer = RealTokenizers.Get(name);
        MLTokenizer adapter = tokenizer.AsMLTokenizer();
        var ids = adapter.EncodeToIds(text);
        string decoded = adapter.Decode(ids);
        Assert.Equal(tokenizer.Decode(ids, skipSpecialTokens: false), decoded);
        if (name is "gpt4o" or "llama3")
        {
            // Byte-level BPE loses nothing.
            Assert.Equal(text, decoded);
        }

        var exact = new char[decoded.Length];
        Assert.Equal(OperationStatus.Done, adapter.Decode(ids, exact, out int idsConsumed, out int charsWritten));
        Assert.Equal(ids.Count, idsConsumed);
        Assert.Equal(decoded.Length, charsWritten);
        Assert.Equal(decoded, new string(exact));

        if (decoded.Length == 0)
        {
            return;
        }
        foreach (int room in new[] { 0, decoded.Length / 2, decoded.Length - 1 })
        {
            var small = new char[room];
            Assert.Equal(OperationStatus.DestinationTooSmall, adapter.Decode(ids, small, out idsConsumed, out charsWritten));
            Assert.InRange(charsWritten, 0, room);
            Assert.InRange(idsConsumed, 0, ids.Count - 1);
            string written = new(small, 0, charsWritten);
            // What was written begins the whole text and is the text of the ids it reports as consumed.
            Assert.StartsWith(written, decoded, StringComparison.Ordinal);
            Assert.Equal(adapter.Decode(ids.Take(idsConsumed)), written);
        }
    }

    [Fact]
    public void An_id_outside_the_vocabulary_is_invalid_data()
    {
        var tokenizer = RealTokenizers.Get("bert");
        MLTokenizer adapter = tokenizer.AsMLTokenizer();
        int outside = tokenizer.GetVocabularySize() + 5;
        int[] ids = [.. adapter.EncodeToIds("hello"), outside];
        Assert.Equal(OperationStatus.InvalidData, adapter.Decode(ids, new char[100], out int consumed, out int written));
        Assert.Equal((0, 0), (consumed, written));
        var error = Assert.Throws<InvalidOperationException>(() => adapter.Decode(ids));
        Assert.Contains(outside.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_limit_below_one_is_refused_as_MLTokenizers_refuses_it()
    {
        MLTokenizer adapter = RealTokenizers.Get("gpt4o").AsMLTokenizer();
        Assert.Throws<ArgumentOutOfRangeException>(() => adapter.EncodeToIds("hello", 0, out _, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => adapter.GetIndexByTokenCount("hello", -1, out _, out _));
    }

    [Fact]
    public void The_wrapped_tokenizers_truncation_and_padding_are_not_used()
    {
        var tokenizer = RealTokenizers.Get("bert");
        var limited = tokenizer.WithTruncation(new TruncationOptions(4)).WithPadding(new PaddingOptions(fixedLength: 32));
        const string Text = "a sentence with quite a few more than four tokens in it";
        Assert.Equal(tokenizer.Encode(Text, addSpecialTokens: false).Ids, limited.AsMLTokenizer().EncodeToIds(Text));
        Assert.Null(limited.AsMLTokenizer().Pipeline!.Truncation);
    }

    [Theory]
    [InlineData("gpt4o")]
    [InlineData("llama2")]
    [InlineData("bert")]
    public void Chunking_by_GetIndexByTokenCount_covers_the_text_in_chunks_within_the_limit(string name)
    {
        MLTokenizer adapter = RealTokenizers.Get(name).AsMLTokenizer();
        string text = RealTokenizers.LongText();
        const int Limit = 24;
        var chunks = new List<string>();
        for (int start = 0; start < text.Length;)
        {
            string rest = text[start..];
            int length = adapter.GetIndexByTokenCount(rest, Limit, out _, out int tokens);
            Assert.InRange(tokens, 1, Limit);
            // The chunk's tokens in the rest's encoding are exactly the first `tokens` ones.
            Assert.Equal(adapter.EncodeToIds(rest).Take(tokens), adapter.EncodeToIds(rest, Limit, out _, out _));
            if (length == rest.Length || string.IsNullOrWhiteSpace(rest[length..]))
            {
                chunks.Add(rest);
                break;
            }
            chunks.Add(rest[..length]);
            start += length;
        }
        Assert.Equal(text, string.Concat(chunks));
        Assert.True(chunks.Count > 10, $"only {chunks.Count} chunks");
    }

    // The token count GetIndexByTokenCount's span overload reports (the string overload is checked above).
    private static int SpanIndexTokenCount(MLTokenizer adapter, string text, int max)
    {
        adapter.GetIndexByTokenCount(text.AsSpan(), max, out _, out int count);
        return count;
    }

    /// <summary>
    /// ML.Tokenizers' definition stated over text positions: the cut positions i that no token straddles, the tokens
    /// before each; the most tokens within the limit, and the first position that has them (the end of the last one).
    /// Every token fitting gives the text's length.
    /// </summary>
    internal static (int Index, int Count) BruteForceFromStart(IReadOnlyList<(int Start, int End)> offsets, int length, int max)
    {
        if (offsets.Count <= max)
        {
            return (length, offsets.Count);
        }
        (int Index, int Count) best = (0, 0);
        for (int i = 0; i <= length; i++)
        {
            int before = offsets.Count(o => o.Start < i);
            if (IsCut(offsets, i) && before <= max && before > best.Count)
            {
                best = (i, before);
            }
        }
        return best;
    }

    /// <summary>As <see cref="BruteForceFromStart"/> from the end: the most trailing tokens, and the last position that has them.</summary>
    internal static (int Index, int Count) BruteForceFromEnd(IReadOnlyList<(int Start, int End)> offsets, int length, int max)
    {
        if (offsets.Count <= max)
        {
            return (0, offsets.Count);
        }
        (int Index, int Count) best = (length, 0);
        for (int i = length; i >= 0; i--)
        {
            int after = offsets.Count(o => o.End > i);
            if (IsCut(offsets, i) && after <= max && after > best.Count)
            {
                best = (i, after);
            }
        }
        return best;
    }

    private static bool IsCut(IReadOnlyList<(int Start, int End)> offsets, int i) => !offsets.Any(o => o.Start < i && i < o.End);
}
