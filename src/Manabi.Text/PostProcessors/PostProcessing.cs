namespace Manabi.Text;

/// <summary>HF's <c>PostProcessor::process_encodings</c>: the step the post-processors chain inside a Sequence.</summary>
internal interface IEncodingsProcessor
{
    List<TokenEncoding> ProcessEncodings(List<TokenEncoding> encodings, bool addSpecialTokens);
}

/// <summary>The parts of HF's post-processing shared by every processor.</summary>
internal static class PostProcessing
{
    /// <summary>
    /// HF's default <c>PostProcessor::process</c>: each encoding (and its windows) gets its sequence id, each top-level
    /// encoding the type id of its position, then the processor runs and the results are merged.
    /// </summary>
    public static TokenEncoding Process(IEncodingsProcessor processor, TokenEncoding first, TokenEncoding? second, bool addSpecialTokens)
    {
        var encodings = second is null ? new List<TokenEncoding> { first } : [first, second];
        for (int i = 0; i < encodings.Count; i++)
        {
            encodings[i].SetSequenceIdWithOverflowing(i);
            encodings[i].SetTypeIds(i);
        }
        return TokenEncoding.MergeAll(processor.ProcessEncodings(encodings, addSpecialTokens));
    }

    /// <summary>Runs any post-processor as one step of a chain (a user's own one processes the whole pair at once).</summary>
    public static List<TokenEncoding> ProcessEncodings(IPostProcessor processor, List<TokenEncoding> encodings, bool addSpecialTokens)
    {
        if (processor is IEncodingsProcessor chained)
        {
            return chained.ProcessEncodings(encodings, addSpecialTokens);
        }
        return encodings.Count switch
        {
            1 => [processor.Process(encodings[0], null, addSpecialTokens)],
            2 => [processor.Process(encodings[0], encodings[1], addSpecialTokens)],
            _ => throw new InvalidOperationException($"{processor.GetType().Name} processes one or two encodings, not {encodings.Count}"),
        };
    }

    /// <summary>HF's <c>default_process</c> (no post-processor): a single encoding as is, a pair merged with sequence ids.</summary>
    public static TokenEncoding DefaultProcess(TokenEncoding first, TokenEncoding? second)
    {
        if (second is null)
        {
            return first;
        }
        first.SetSequenceId(0);
        second.SetSequenceId(1);
        return TokenEncoding.MergeAll([first, second]);
    }

    /// <summary>
    /// prefix + encoding + suffix as Bert/RobertaProcessing build it: special tokens with their type id, inner type ids kept
    /// (or <paramref name="innerTypeId"/>), the sequence range over the inner tokens only, no windows (callers add them).
    /// </summary>
    public static TokenEncoding Wrap(TokenEncoding encoding, ReadOnlySpan<(int Id, string Token)> prefix, int prefixTypeId,
        ReadOnlySpan<(int Id, string Token)> suffix, int suffixTypeId, int? innerTypeId, int sequenceId, List<TokenEncoding>? overflowing)
    {
        int inner = encoding.Length;
        int n = prefix.Length + inner + suffix.Length;
        var ids = new int[n];
        var typeIds = new int[n];
        var tokens = new string[n];
        var words = new int[n];
        var offsets = new (int, int)[n];
        var special = new int[n];
        var attention = new int[n];
        Array.Fill(attention, 1);
        int k = 0;
        foreach (var (id, token) in prefix)
        {
            (ids[k], tokens[k], typeIds[k], words[k], special[k]) = (id, token, prefixTypeId, -1, 1);
            k++;
        }
        encoding.IdArray.CopyTo(ids, k);
        encoding.TokenArray.CopyTo(tokens, k);
        encoding.WordIdArray.CopyTo(words, k);
        encoding.OffsetArray.CopyTo(offsets, k);
        if (innerTypeId is { } t)
        {
            typeIds.AsSpan(k, inner).Fill(t);
        }
        else
        {
            encoding.TypeIdArray.CopyTo(typeIds, k);
        }
        k += inner;
        foreach (var (id, token) in suffix)
        {
            (ids[k], tokens[k], typeIds[k], words[k], special[k]) = (id, token, suffixTypeId, -1, 1);
            k++;
        }
        var ranges = default(SequenceRanges).With(sequenceId, (prefix.Length, prefix.Length + inner));
        return new TokenEncoding(ids, typeIds, tokens, words, offsets, special, attention, overflowing, ranges);
    }
}
