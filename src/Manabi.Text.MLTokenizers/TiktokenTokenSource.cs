using System.Buffers;

namespace Manabi.Text.MLTokenizers;

/// <summary>
/// A <see cref="TiktokenTokenizer"/> as a <see cref="TokenSource"/>. Special tokens written in the text (e.g.
/// <c>&lt;|endoftext|&gt;</c>) become their ids, as Microsoft.ML.Tokenizers' TiktokenTokenizer encodes them; tiktoken
/// adds no special tokens of its own.
/// </summary>
internal sealed class TiktokenTokenSource(TiktokenTokenizer tokenizer) : TokenSource
{
    private readonly string[] _specialTokens = [.. tokenizer.SpecialTokens.Keys];
    private readonly HashSet<int> _specialIds = [.. tokenizer.SpecialTokens.Values];

    public TiktokenTokenizer Tokenizer => tokenizer;

    public override ContentTokens Encode(string? text, ReadOnlySpan<char> span, bool withValues)
    {
        text ??= span.ToString();
        var tokens = tokenizer.EncodeWithOffsets(text, _specialTokens);
        var ids = new int[tokens.Count];
        var offsets = new (int Start, int End)[tokens.Count];
        var values = withValues ? new string[tokens.Count] : null;
        for (int i = 0; i < tokens.Count; i++)
        {
            ids[i] = tokens[i].Id;
            offsets[i] = (tokens[i].Start, tokens[i].End);
            if (values is not null)
            {
                // The text the token covers, as Microsoft.ML.Tokenizers' TiktokenTokenizer gives it.
                values[i] = text[tokens[i].Start..tokens[i].End];
            }
        }
        return new ContentTokens(ids, offsets, values, tokens.Count, pooled: false);
    }

    public override int[] EncodeIds(string? text, ReadOnlySpan<char> span)
    {
        if (HasSpecialToken(span))
        {
            return tokenizer.Encode(text ?? span.ToString(), _specialTokens);
        }
        int[] buffer = ArrayPool<int>.Shared.Rent(TiktokenTokenizer.MaxTokenCount(span.Length));
        int count = tokenizer.EncodeToIds(span, buffer);
        int[] ids = buffer.AsSpan(0, count).ToArray();
        ArrayPool<int>.Shared.Return(buffer);
        return ids;
    }

    public override int Count(ReadOnlySpan<char> span) =>
        HasSpecialToken(span) ? tokenizer.Encode(span.ToString(), _specialTokens).Length : tokenizer.CountTokens(span);

    public override string? Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens, out int invalidId)
    {
        int[] kept = skipSpecialTokens ? [.. ids.ToArray().Where(id => !_specialIds.Contains(id))] : ids.ToArray();
        foreach (int id in kept)
        {
            if (id < 0 || id >= tokenizer.VocabularySize)
            {
                invalidId = id;
                return null;
            }
        }
        try
        {
            invalidId = 0;
            return tokenizer.Decode(kept);
        }
        catch (ArgumentOutOfRangeException e) when (e.ActualValue is int id)
        {
            // An unused rank inside the range (tiktoken's vocabularies have a few gaps).
            invalidId = id;
            return null;
        }
    }

    // The ordinary span path allocates nothing; only texts that spell a special token need tiktoken's encode.
    private bool HasSpecialToken(ReadOnlySpan<char> span)
    {
        foreach (string special in _specialTokens)
        {
            if (span.Contains(special, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
