namespace Manabi.Text;

/// <summary>
/// One encoded input (a text or a pair), as HF tokenizers' <c>Encoding</c>: ids, tokens, type ids,
/// offsets, masks, word ids and the windows that truncation cut off.
/// </summary>
public sealed class TokenEncoding
{
    private int[] _ids;
    private int[] _typeIds;
    private string[] _tokens;
    private int[] _wordIds;
    private (int Start, int End)[] _offsets;
    private int[] _specialTokensMask;
    private int[] _attentionMask;
    private List<TokenEncoding> _overflowing;

    // HF's sequence_ranges: which tokens belong to sequence 0 or 1 (none recorded: all tokens are sequence 0).
    private SequenceRanges _sequenceRanges;

    internal TokenEncoding(int[] ids, int[] typeIds, string[] tokens, int[] wordIds, (int, int)[] offsets, int[] specialTokensMask,
        int[] attentionMask, List<TokenEncoding>? overflowing = null, SequenceRanges sequenceRanges = default)
    {
        _sequenceRanges = sequenceRanges;
        _ids = ids;
        _typeIds = typeIds;
        _tokens = tokens;
        _wordIds = wordIds;
        _offsets = offsets;
        _specialTokensMask = specialTokensMask;
        _attentionMask = attentionMask;
        _overflowing = overflowing ?? [];
    }

    /// <summary>Token ids.</summary>
    public IReadOnlyList<int> Ids => _ids;

    /// <summary>Segment ids: 0 for the first sequence and its special tokens, 1 for the second.</summary>
    public IReadOnlyList<int> TypeIds => _typeIds;

    /// <summary>Token strings.</summary>
    public IReadOnlyList<string> Tokens => _tokens;

    /// <summary>The word (pre-token) index of each token within its sequence, or -1 for special and padding tokens.</summary>
    public IReadOnlyList<int> WordIds => _wordIds;

    /// <summary>Start and end of each token in the original text, in UTF-16 code units; (0, 0) for special tokens.</summary>
    public IReadOnlyList<(int Start, int End)> Offsets => _offsets;

    /// <summary>1 for special and padding tokens, 0 for text tokens.</summary>
    public IReadOnlyList<int> SpecialTokensMask => _specialTokensMask;

    /// <summary>1 for real tokens, 0 for padding.</summary>
    public IReadOnlyList<int> AttentionMask => _attentionMask;

    /// <summary>Windows beyond the truncation length (with the configured stride), each a full encoding.</summary>
    public IReadOnlyList<TokenEncoding> Overflowing => _overflowing;

    /// <summary>Number of tokens.</summary>
    public int Length => _ids.Length;

    /// <summary>
    /// The sequence (0 for the text, 1 for the pair) each token belongs to, or -1 for special and padding tokens
    /// (HF's <c>sequence_ids</c>).
    /// </summary>
    public IReadOnlyList<int> SequenceIds
    {
        get
        {
            var result = new int[_ids.Length];
            int count = _sequenceRanges.Count;
            if (count == 0)
            {
                return result;
            }
            Array.Fill(result, -1);
            for (int sequence = 0; sequence < count; sequence++)
            {
                var (start, end) = _sequenceRanges.Get(sequence) ?? (0, _ids.Length);
                result.AsSpan(start, end - start).Fill(sequence);
            }
            return result;
        }
    }

    internal int[] IdArray => _ids;

    internal int[] TypeIdArray => _typeIds;

    internal string[] TokenArray => _tokens;

    internal int[] WordIdArray => _wordIds;

    internal (int Start, int End)[] OffsetArray => _offsets;

    internal int[] SpecialTokensMaskArray => _specialTokensMask;

    internal int[] AttentionMaskArray => _attentionMask;

    internal List<TokenEncoding> OverflowingList => _overflowing;

    internal void ReplaceOffsets((int Start, int End)[] offsets) => _offsets = offsets;

    internal static TokenEncoding Empty => new([], [], [], [], [], [], []);

    /// <summary>HF's <c>set_sequence_id</c>: all tokens belong to <paramref name="sequenceId"/>.</summary>
    internal void SetSequenceId(int sequenceId)
    {
        _sequenceRanges = _sequenceRanges.With(sequenceId, (0, _ids.Length));
    }

    /// <summary>What HF's <c>PostProcessor::process</c> does first: the encoding and its windows belong to <paramref name="sequenceId"/>.</summary>
    internal void SetSequenceIdWithOverflowing(int sequenceId)
    {
        SetSequenceId(sequenceId);
        foreach (var o in _overflowing)
        {
            o.SetSequenceId(sequenceId);
        }
    }

    /// <summary>HF's <c>set_type_ids</c> with one value for every token.</summary>
    internal void SetTypeIds(int typeId)
    {
        if (!_typeIds.AsSpan().ContainsAnyExcept(typeId))
        {
            return;
        }
        var typeIds = new int[_ids.Length];
        if (typeId != 0)
        {
            Array.Fill(typeIds, typeId);
        }
        _typeIds = typeIds;
    }

    /// <summary>HF's <c>take_overflowing</c>.</summary>
    internal List<TokenEncoding> TakeOverflowing()
    {
        var overflowing = _overflowing;
        _overflowing = [];
        return overflowing;
    }

    /// <summary>HF's <c>Encoding::merge(encodings, false)</c>: merges in order, starting from an empty encoding.</summary>
    internal static TokenEncoding MergeAll(IReadOnlyList<TokenEncoding> encodings)
    {
        // Merging one encoding into the empty one gives it back unchanged (its windows included).
        if (encodings.Count == 1)
        {
            return encodings[0];
        }
        var result = Empty;
        foreach (var encoding in encodings)
        {
            result = Merge(result, encoding);
        }
        return result;
    }

    /// <summary>
    /// Offsets in code points instead of UTF-16 units; <paramref name="text"/> is the text the offsets point
    /// into (for a pair, pass each sequence's own text and use <see cref="TypeIds"/> to tell them apart).
    /// </summary>
    public IReadOnlyList<(int Start, int End)> GetCodePointOffsets(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var codePointIndex = new int[text.Length + 1];
        int cp = 0;
        for (int i = 0; i < text.Length; i++)
        {
            codePointIndex[i] = cp;
            if (!(char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])))
            {
                cp++;
            }
        }
        codePointIndex[text.Length] = cp;
        var result = new (int, int)[_offsets.Length];
        for (int i = 0; i < result.Length; i++)
        {
            var (start, end) = _offsets[i];
            result[i] = (start == 0 && end == 0) ? (0, 0) : (codePointIndex[Math.Min(start, text.Length)], codePointIndex[Math.Min(end, text.Length)]);
        }
        return result;
    }

    /// <summary>An encoding of one sequence from a fused path's buffer, <paramref name="tokenOf"/> spelling each id.</summary>
    internal static TokenEncoding FromBuffer(TokenBuffer buffer, int typeId, Func<int, string> tokenOf)
    {
        int n = buffer.Count;
        var ids = buffer.Ids.AsSpan(0, n).ToArray();
        var tokens = new string[n];
        var offsets = new (int, int)[n];
        for (int i = 0; i < n; i++)
        {
            tokens[i] = tokenOf(ids[i]);
            offsets[i] = (buffer.Starts[i], buffer.Ends[i]);
        }
        var typeIds = new int[n];
        if (typeId != 0)
        {
            Array.Fill(typeIds, typeId);
        }
        var attention = new int[n];
        Array.Fill(attention, 1);
        return new TokenEncoding(ids, typeIds, tokens, buffer.Words.AsSpan(0, n).ToArray(), offsets, new int[n], attention);
    }

    private TokenEncoding Slice(int start, int stop) => new(_ids[start..stop], _typeIds[start..stop], _tokens[start..stop],
        _wordIds[start..stop], _offsets[start..stop], _specialTokensMask[start..stop], _attentionMask[start..stop]);

    internal TokenEncoding Clone() => new(_ids, _typeIds, _tokens, _wordIds, _offsets, _specialTokensMask, _attentionMask,
        [.. _overflowing.Select(o => o.Clone())], _sequenceRanges);

    /// <summary>HF's <c>Encoding::truncate</c>: keep the first window, the rest become overflowing windows.</summary>
    internal void Truncate(int maxLength, int stride, TruncationDirection direction)
    {
        int length = _ids.Length;
        if (maxLength >= length)
        {
            return;
        }
        if (maxLength == 0)
        {
            var whole = new TokenEncoding(_ids, _typeIds, _tokens, _wordIds, _offsets, _specialTokensMask, _attentionMask, _overflowing,
                _sequenceRanges);
            Assign(new TokenEncoding([], [], [], [], [], [], []));
            _overflowing.Add(whole);
            return;
        }
        if (stride >= maxLength)
        {
            throw new TruncationException($"`stride` must be strictly less than `max_len={maxLength}` (note that `max_len` may be " +
                "shorter than the max length of the original model, as it subtracts the number of special characters");
        }
        int step = maxLength - stride;
        var windows = new List<(int Start, int Stop)>();
        if (direction == TruncationDirection.Right)
        {
            for (int start = 0; start < length; start += step)
            {
                int stop = Math.Min(start + maxLength, length);
                windows.Add((start, stop));
                if (stop == length)
                {
                    break;
                }
            }
        }
        else
        {
            for (int last = length - 1; last >= 0; last -= step)
            {
                int stop = last + 1;
                int start = Math.Max(0, stop - maxLength);
                windows.Add((start, stop));
                if (start == 0)
                {
                    break;
                }
            }
        }
        var kept = Slice(windows[0].Start, windows[0].Stop);
        for (int i = 1; i < windows.Count; i++)
        {
            kept._overflowing.Add(Slice(windows[i].Start, windows[i].Stop));
        }
        Assign(kept);
    }

    private void Assign(TokenEncoding other)
    {
        _ids = other._ids;
        _typeIds = other._typeIds;
        _tokens = other._tokens;
        _wordIds = other._wordIds;
        _offsets = other._offsets;
        _specialTokensMask = other._specialTokensMask;
        _attentionMask = other._attentionMask;
        _overflowing = other._overflowing;
        _sequenceRanges = other._sequenceRanges;
    }

    /// <summary>Wraps this encoding (and each overflowing window) in special tokens: prefix + tokens + suffix.</summary>
    internal TokenEncoding WithSpecialTokens(ReadOnlySpan<(int Id, string Token)> prefix, ReadOnlySpan<(int Id, string Token)> suffix, int typeId)
    {
        var overflowing = new List<TokenEncoding>(_overflowing.Count);
        foreach (var o in _overflowing)
        {
            overflowing.Add(o.WithSpecialTokens(prefix, suffix, typeId));
        }
        int n = prefix.Length + _ids.Length + suffix.Length;
        var ids = new int[n];
        var typeIds = new int[n];
        var tokens = new string[n];
        var words = new int[n];
        var offsets = new (int, int)[n];
        var special = new int[n];
        var attention = new int[n];
        Array.Fill(attention, 1);
        Array.Fill(typeIds, typeId);
        int k = 0;
        foreach (var (id, token) in prefix)
        {
            ids[k] = id;
            tokens[k] = token;
            words[k] = -1;
            special[k] = 1;
            k++;
        }
        _ids.CopyTo(ids, k);
        _tokens.CopyTo(tokens, k);
        _wordIds.CopyTo(words, k);
        _offsets.CopyTo(offsets, k);
        k += _ids.Length;
        foreach (var (id, token) in suffix)
        {
            ids[k] = id;
            tokens[k] = token;
            words[k] = -1;
            special[k] = 1;
            k++;
        }
        // As HF's BertProcessing: the sequence's range excludes the special tokens around it.
        var ranges = default(SequenceRanges).With(typeId, (prefix.Length, prefix.Length + _ids.Length));
        return new TokenEncoding(ids, typeIds, tokens, words, offsets, special, attention, overflowing, ranges);
    }

    /// <summary>HF's <c>Encoding::merge_with</c> (offsets not shifted): also combines the overflowing windows.</summary>
    internal static TokenEncoding Merge(TokenEncoding first, TokenEncoding second)
    {
        var overflowing = new List<TokenEncoding>();
        foreach (var firstWindow in first._overflowing)
        {
            overflowing.Add(Merge(firstWindow.Clone(), second.Clone()));
            foreach (var secondWindow in second._overflowing)
            {
                overflowing.Add(Merge(firstWindow.Clone(), secondWindow.Clone()));
            }
        }
        foreach (var secondWindow in second._overflowing)
        {
            overflowing.Add(Merge(first.Clone(), secondWindow.Clone()));
        }
        var ranges = first._sequenceRanges.MergedWith(second._sequenceRanges, first._ids.Length);
        return new TokenEncoding([.. first._ids, .. second._ids], [.. first._typeIds, .. second._typeIds],
            [.. first._tokens, .. second._tokens], [.. first._wordIds, .. second._wordIds], [.. first._offsets, .. second._offsets],
            [.. first._specialTokensMask, .. second._specialTokensMask], [.. first._attentionMask, .. second._attentionMask],
            overflowing, ranges);
    }

    /// <summary>HF's <c>Encoding::pad</c>: pads the overflowing windows too; never shortens.</summary>
    internal void Pad(int targetLength, PaddingOptions options)
    {
        foreach (var o in _overflowing)
        {
            o.Pad(targetLength, options);
        }
        int padLength = targetLength - _ids.Length;
        if (padLength <= 0)
        {
            return;
        }
        bool left = options.Direction == PaddingDirection.Left;
        _ids = PadArray(_ids, padLength, options.PadId, left);
        _typeIds = PadArray(_typeIds, padLength, options.PadTypeId, left);
        _tokens = PadArray(_tokens, padLength, options.PadToken, left);
        _wordIds = PadArray(_wordIds, padLength, -1, left);
        _attentionMask = PadArray(_attentionMask, padLength, 0, left);
        _specialTokensMask = PadArray(_specialTokensMask, padLength, 1, left);
        _offsets = PadArray(_offsets, padLength, (0, 0), left);
        if (left)
        {
            _sequenceRanges = _sequenceRanges.Shifted(padLength);
        }
    }

    private static T[] PadArray<T>(T[] values, int padLength, T pad, bool left)
    {
        var result = new T[values.Length + padLength];
        Array.Fill(result, pad);
        values.CopyTo(result, left ? padLength : 0);
        return result;
    }
}

/// <summary>HF's <c>sequence_ranges</c> for the two sequences an encoding can hold (ids 0 and 1); immutable.</summary>
internal readonly record struct SequenceRanges((int Start, int End)? First, (int Start, int End)? Second)
{
    /// <summary>How many sequences have a range (HF's <c>n_sequences</c> before its default of 1).</summary>
    public int Count => (First.HasValue ? 1 : 0) + (Second.HasValue ? 1 : 0);

    public (int Start, int End)? Get(int sequenceId) => sequenceId switch
    {
        0 => First,
        1 => Second,
        _ => null,
    };

    public SequenceRanges With(int sequenceId, (int Start, int End) range) => sequenceId switch
    {
        0 => this with { First = range },
        1 => this with { Second = range },
        _ => throw new ArgumentOutOfRangeException(nameof(sequenceId), sequenceId, "an encoding holds sequences 0 and 1"),
    };

    /// <summary>HF's merge_with: the other's ranges, shifted by <paramref name="offset"/>, override these.</summary>
    public SequenceRanges MergedWith(SequenceRanges other, int offset) => new(
        other.First is { } a ? (a.Start + offset, a.End + offset) : First,
        other.Second is { } b ? (b.Start + offset, b.End + offset) : Second);

    public SequenceRanges Shifted(int offset) => new(
        First is { } a ? (a.Start + offset, a.End + offset) : null,
        Second is { } b ? (b.Start + offset, b.End + offset) : null);
}
