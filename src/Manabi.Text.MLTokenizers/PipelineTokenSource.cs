using System.Buffers;

namespace Manabi.Text.MLTokenizers;

/// <summary>A <see cref="Tokenizer"/> (any tokenizer.json pipeline) as a <see cref="TokenSource"/>.</summary>
internal sealed class PipelineTokenSource : TokenSource
{
    // A text whose encoding shows where the post-processor puts its special tokens (before or after the content).
    private const string Probe = "a";

    private readonly Tokenizer _tokenizer;

    /// <param name="tokenizer">The tokenizer; its truncation and padding are dropped (the adapter's token limit is
    /// <c>EncodeSettings.MaxTokenCount</c>, and padding would invent tokens the text does not have).</param>
    /// <param name="withSpecialTokens">Whether the post-processor's special tokens will be needed.</param>
    public PipelineTokenSource(Tokenizer tokenizer, bool withSpecialTokens)
    {
        _tokenizer = tokenizer.Truncation is null && tokenizer.Padding is null
            ? tokenizer
            : tokenizer.WithTruncation(null).WithPadding(null);
        if (withSpecialTokens)
        {
            (Prefix, Suffix) = FindSpecialTokens(_tokenizer);
        }
    }

    public Tokenizer Tokenizer => _tokenizer;

    public override ContentTokens Encode(string? text, ReadOnlySpan<char> span, bool withValues)
    {
        if (!withValues && _tokenizer.IsFused)
        {
            // Fused pipelines encode spans into caller buffers without allocating. A byte-level BPE token holds at least one
            // UTF-8 byte (at most three per UTF-16 unit) and a WordPiece token at least one normalized character (BERT's
            // normalization at most triples a unit); the general path below covers any pipeline that breaks the bound.
            int bound = checked(span.Length * 3 + 8);
            int[] ids = ArrayPool<int>.Shared.Rent(bound);
            (int, int)[] offsets = ArrayPool<(int, int)>.Shared.Rent(bound);
            try
            {
                int count = _tokenizer.EncodeToIds(span, ids, offsets, addSpecialTokens: false);
                return new ContentTokens(ids, offsets, null, count, pooled: true);
            }
            catch (ArgumentException)
            {
                ArrayPool<int>.Shared.Return(ids);
                ArrayPool<(int, int)>.Shared.Return(offsets);
            }
        }
        var encoding = _tokenizer.Encode(text ?? span.ToString(), addSpecialTokens: false);
        return new ContentTokens([.. encoding.Ids], [.. encoding.Offsets], withValues ? encoding.Tokens : null, encoding.Length, pooled: false);
    }

    public override int[] EncodeIds(string? text, ReadOnlySpan<char> span)
    {
        var tokens = Encode(text, span, withValues: false);
        int[] ids = tokens.Ids.ToArray();
        tokens.Return();
        return ids;
    }

    public override int Count(ReadOnlySpan<char> span) => _tokenizer.CountTokens(span, addSpecialTokens: false);

    public override string? Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens, out int invalidId)
    {
        // Manabi's Decode skips unknown ids as HF does; ML.Tokenizers callers expect them to be reported instead.
        foreach (int id in ids)
        {
            if (_tokenizer.IdToToken(id) is null)
            {
                invalidId = id;
                return null;
            }
        }
        invalidId = 0;
        return _tokenizer.Decode(ids.ToArray(), skipSpecialTokens);
    }

    /// <summary>
    /// The special tokens around the content, found by encoding <see cref="Probe"/> with and without them: HF's
    /// post-processors (BERT, RoBERTa, templates) add a fixed run before the content and one after it.
    /// </summary>
    private static (SpecialToken[] Prefix, SpecialToken[] Suffix) FindSpecialTokens(Tokenizer tokenizer)
    {
        var content = tokenizer.Encode(Probe, addSpecialTokens: false);
        var whole = tokenizer.Encode(Probe, addSpecialTokens: true);
        int added = whole.Length - content.Length;
        for (int before = 0; before <= added; before++)
        {
            if (whole.Ids.Skip(before).Take(content.Length).SequenceEqual(content.Ids))
            {
                SpecialToken At(int i) => new(whole.Ids[i], whole.Tokens[i]);
                return ([.. Enumerable.Range(0, before).Select(At)], [.. Enumerable.Range(before + content.Length, added - before).Select(At)]);
            }
        }
        throw new NotSupportedException(
            $"the tokenizer's post-processor ({tokenizer.PostProcessor?.GetType().Name}) does not wrap a text in a fixed run of special " +
            "tokens before and after it, so ManabiMLTokenizer cannot add them: create it with addSpecialTokens: false");
    }
}
