namespace Manabi.Text;

/// <summary>
/// The WordPiece model: greedy longest-match-first over a word, continuation pieces carrying the
/// <see cref="ContinuingSubwordPrefix"/>; a word with any unmatched piece, or longer than
/// <see cref="MaxInputCharsPerWord"/> code points, becomes one <see cref="UnknownToken"/>.
/// </summary>
public sealed class WordPieceModel : ITokenizationModel
{
    private readonly SpanLookup _starts;
    private readonly SpanLookup _continuations;

    /// <summary>
    /// The tokens that a word of the ASCII fast path can equal (ASCII without whitespace or punctuation, which the
    /// pre-tokenizer splits off, or one punctuation character) and that pack (at most
    /// <see cref="PackedAsciiLookup.MaxKeyLength"/> characters), as whole-word and continuation tables: words that pack
    /// are looked up, and split, on their packed bytes alone.
    /// </summary>
    private readonly PackedAsciiLookup _packedStarts;

    /// <summary>See <see cref="_packedStarts"/>.</summary>
    private readonly PackedAsciiLookup _packedContinuations;

    /// <summary>Creates a model over a vocabulary.</summary>
    /// <exception cref="ArgumentException">The vocabulary lacks the unknown token.</exception>
    public WordPieceModel(WordPieceVocabulary vocabulary, string unknownToken = "[UNK]", string continuingSubwordPrefix = "##",
        int maxInputCharsPerWord = 100)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(unknownToken);
        ArgumentNullException.ThrowIfNull(continuingSubwordPrefix);
        if (!vocabulary.TryGetId(unknownToken, out int unknownId))
        {
            throw new ArgumentException($"the vocabulary has no unknown token '{unknownToken}'", nameof(vocabulary));
        }
        Vocabulary = vocabulary;
        UnknownToken = unknownToken;
        UnknownId = unknownId;
        ContinuingSubwordPrefix = continuingSubwordPrefix;
        MaxInputCharsPerWord = maxInputCharsPerWord;
        var all = new List<(string Key, int Id)>(vocabulary.Count);
        var continuations = new List<(string Key, int Id)>();
        foreach (var (token, id) in vocabulary.Entries)
        {
            all.Add((token, id));
            if (continuingSubwordPrefix.Length > 0 && token.StartsWith(continuingSubwordPrefix, StringComparison.Ordinal))
            {
                continuations.Add((token[continuingSubwordPrefix.Length..], id));
            }
        }
        _starts = new SpanLookup(all);
        _continuations = continuingSubwordPrefix.Length > 0 ? new SpanLookup(continuations) : _starts;
        _packedStarts = AsciiWordTable(all, _starts);
        _packedContinuations = continuingSubwordPrefix.Length > 0 ? AsciiWordTable(continuations, _continuations) : _packedStarts;
    }

    /// <summary>
    /// The entries an ASCII fast-path word can match, with their ids as <paramref name="full"/> resolved them: ASCII
    /// without whitespace or punctuation, or one ASCII character (punctuation comes as one-character words).
    /// </summary>
    private static PackedAsciiLookup AsciiWordTable(List<(string Key, int Id)> entries, SpanLookup full) =>
        new(entries.Where(e => CanBeAsciiWord(e.Key) || e.Key is [< (char)128]).Select(e => (e.Key, full.Find(e.Key))));

    private static bool CanBeAsciiWord(string token)
    {
        foreach (char c in token)
        {
            if (c >= 128 || BertPreTokenizer.IsWhitespace(c) || BertPreTokenizer.IsPunctuation(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The vocabulary.</summary>
    public WordPieceVocabulary Vocabulary { get; }

    /// <summary>The unknown token, e.g. <c>[UNK]</c>.</summary>
    public string UnknownToken { get; }

    /// <summary>The unknown token's id.</summary>
    public int UnknownId { get; }

    /// <summary>The prefix of pieces that continue a word, e.g. <c>##</c>.</summary>
    public string ContinuingSubwordPrefix { get; }

    /// <summary>Words with more code points than this become the unknown token.</summary>
    public int MaxInputCharsPerWord { get; }

    /// <summary>Splits one word into pieces; offsets are UTF-16 indices into <paramref name="word"/>.</summary>
    public IReadOnlyList<(string Token, int Id, int Start, int End)> Tokenize(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        var pieces = new List<(string, int, int, int)>();
        if (word.Length == 0)
        {
            return pieces;
        }
        var starts = new int[word.Length];
        var ends = new int[word.Length];
        for (int i = 0; i < word.Length; i++)
        {
            starts[i] = i;
            ends[i] = i + 1;
            if (char.IsLowSurrogate(word[i]) && i > 0)
            {
                starts[i] = i - 1;
                ends[i - 1] = i + 1;
            }
        }
        int codePoints = word.Length - word.Count(char.IsLowSurrogate);
        var buffer = new TokenBuffer(8);
        TokenizeWord(word, starts, ends, codePoints, buffer, 0);
        for (int i = 0; i < buffer.Count; i++)
        {
            pieces.Add((Vocabulary[buffer.Ids[i]]!, buffer.Ids[i], buffer.Starts[i], buffer.Ends[i]));
        }
        return pieces;
    }

    /// <summary>
    /// Appends the pieces of one normalized word to <paramref name="output"/>. <paramref name="starts"/> and
    /// <paramref name="ends"/> give, per UTF-16 unit of the word, the original span it came from.
    /// </summary>
    internal void TokenizeWord(ReadOnlySpan<char> word, ReadOnlySpan<int> starts, ReadOnlySpan<int> ends, int codePoints,
        TokenBuffer output, int wordIndex)
    {
        int length = word.Length;
        if (codePoints > MaxInputCharsPerWord)
        {
            output.Add(UnknownId, starts[0], ends[length - 1], wordIndex);
            return;
        }
        int first = output.Count;
        int start = 0;
        SpanLookup table = _starts;
        while (start < length)
        {
            int end = Math.Min(length, start + table.MaxKeyLength);
            if (end < length && char.IsLowSurrogate(word[end]))
            {
                end--;
            }
            int id = -1;
            while (end > start)
            {
                id = table.Find(word[start..end]);
                if (id >= 0)
                {
                    break;
                }
                end -= end - start >= 2 && char.IsLowSurrogate(word[end - 1]) ? 2 : 1;
            }
            if (id < 0)
            {
                output.Count = first;
                output.Add(UnknownId, starts[0], ends[length - 1], wordIndex);
                return;
            }
            output.Add(id, starts[start], ends[end - 1], wordIndex);
            start = end;
            table = _continuations;
        }
    }

    /// <summary>
    /// <see cref="TokenizeWord"/> for a word of ASCII characters that stood contiguously in the original text
    /// from <paramref name="start"/>, so unit k's span is (start + k, start + k + 1), packed in <paramref name="low"/> and
    /// <paramref name="high"/> (as <see cref="PackedAsciiLookup.TryPack"/> packs it) and tokenized from them alone.
    /// </summary>
    internal void TokenizePackedWord(ulong low, ulong high, int length, int start, TokenBuffer output, int wordIndex)
    {
        if (length > MaxInputCharsPerWord)
        {
            output.Add(UnknownId, start, start + length, wordIndex);
            return;
        }
        int id = _packedStarts.FindLikelyPresent(low, high);
        if (id >= 0)
        {
            output.Add(id, start, start + length, wordIndex);
            return;
        }
        TokenizePackedPieces(low, high, length, start, output, wordIndex);
    }

    /// <summary>Greedy longest-match for a packed word that is not itself in the vocabulary, probing packed prefixes.</summary>
    private void TokenizePackedPieces(ulong low, ulong high, int length, int start, TokenBuffer output, int wordIndex)
    {
        int first = output.Count;
        int position = 0;
        PackedAsciiLookup table = _packedStarts;
        while (position < length)
        {
            int pieceLength = Math.Min(length - position, table.LongestKey);
            if (pieceLength == length)
            {
                // The whole word was already probed and missed.
                pieceLength--;
            }
            int id = -1;
            for (; pieceLength > 0; pieceLength--)
            {
                var (pieceLow, pieceHigh) = PackedAsciiLookup.Slice(low, high, position, pieceLength);
                id = table.Find(pieceLow, pieceHigh);
                if (id >= 0)
                {
                    break;
                }
            }
            if (id < 0)
            {
                output.Count = first;
                output.Add(UnknownId, start, start + length, wordIndex);
                return;
            }
            output.Add(id, start + position, start + position + pieceLength, wordIndex);
            position += pieceLength;
            table = _packedContinuations;
        }
    }

    /// <summary>
    /// <see cref="TokenizePackedWord"/> for a fast-path word that does not pack (rare: too long, or holding U+0000): the
    /// span tables' whole-word probe, then greedy longest-match with the hash states of all candidate pieces from one
    /// position computed in one forward pass and probed longest first.
    /// </summary>
    internal void TokenizeUnpackedAsciiWord(ReadOnlySpan<char> word, int start, TokenBuffer output, int wordIndex)
    {
        int length = word.Length;
        if (length > MaxInputCharsPerWord)
        {
            output.Add(UnknownId, start, start + length, wordIndex);
            return;
        }
        int id = length <= _starts.MaxKeyLength ? _starts.Find(word) : -1;
        if (id >= 0)
        {
            output.Add(id, start, start + length, wordIndex);
            return;
        }
        int first = output.Count;
        int room = Math.Min(length, Math.Max(_starts.MaxKeyLength, _continuations.MaxKeyLength)) + 1;
        // Sized to the need (a vocabulary's longest token, usually under 32) so that zeroing it stays cheap.
        Span<uint> states = room <= 256 ? stackalloc uint[room] : new uint[room];
        int position = 0;
        SpanLookup table = _starts;
        while (position < length)
        {
            int longest = Math.Min(length - position, table.MaxKeyLength);
            uint state = SpanLookup.Seed;
            ulong bytes = 0;
            for (int k = 0; k < longest; k++)
            {
                char c = word[position + k];
                state = SpanLookup.Step(state, c);
                states[k + 1] = state;
                if (k < 8)
                {
                    bytes |= (ulong)c << (k * 8);
                }
            }
            // The whole word was already probed and missed.
            int pieceLength = position == 0 && longest == length ? longest - 1 : longest;
            id = -1;
            for (; pieceLength > 0; pieceLength--)
            {
                uint hash = SpanLookup.Finish(states[pieceLength]);
                if (!table.MayContain(hash))
                {
                    continue;
                }
                id = table.Find(word.Slice(position, pieceLength), hash,
                    SpanLookup.AsciiProbe(bytes, pieceLength));
                if (id >= 0)
                {
                    break;
                }
            }
            if (id < 0)
            {
                output.Count = first;
                output.Add(UnknownId, start, start + length, wordIndex);
                return;
            }
            output.Add(id, start + position, start + position + pieceLength, wordIndex);
            position += pieceLength;
            table = _continuations;
        }
    }

    [ThreadStatic]
    private static TokenBuffer? s_pieceBuffer;

    /// <inheritdoc/>
    public int VocabularySize => Vocabulary.TokenCount;

    /// <inheritdoc/>
    public bool TryGetId(string token, out int id) => Vocabulary.TryGetId(token, out id);

    /// <inheritdoc/>
    public string? GetToken(int id) => Vocabulary[id];

    /// <summary>HF's WordPiece <c>tokenize</c> on one piece: greedy longest-match, the unknown token for the whole piece otherwise.</summary>
    public void Tokenize(ReadOnlySpan<char> piece, List<ModelToken> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (piece.Length == 0)
        {
            return;
        }
        int[] rented = System.Buffers.ArrayPool<int>.Shared.Rent(piece.Length * 2);
        try
        {
            var starts = rented.AsSpan(0, piece.Length);
            var ends = rented.AsSpan(piece.Length, piece.Length);
            int codePoints = 0;
            for (int i = 0; i < piece.Length; i++)
            {
                starts[i] = i;
                ends[i] = i + 1;
                if (char.IsLowSurrogate(piece[i]) && i > 0 && char.IsHighSurrogate(piece[i - 1]))
                {
                    starts[i] = i - 1;
                    ends[i - 1] = i + 1;
                }
                else
                {
                    codePoints++;
                }
            }
            var buffer = s_pieceBuffer ??= new TokenBuffer(16);
            buffer.Count = 0;
            TokenizeWord(piece, starts, ends, codePoints, buffer, 0);
            for (int i = 0; i < buffer.Count; i++)
            {
                int id = buffer.Ids[i];
                output.Add(new ModelToken(id, Vocabulary[id]!, buffer.Starts[i], buffer.Ends[i]));
            }
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(rented);
        }
    }
}
