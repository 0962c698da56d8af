using System.Runtime.Intrinsics;

namespace Manabi.Text;

public sealed partial class WordPieceTokenizer
{
    /// <summary>Feeds words to the WordPiece model, stopping once a token limit is reached (HF's tokenize_with_limit).</summary>
    private struct WordPieceSink(WordPieceModel model, TokenBuffer output, int limit) : IWordSink
    {
        public int WordIndex;

        public bool OnWord(ReadOnlySpan<char> word, ReadOnlySpan<int> starts, ReadOnlySpan<int> ends, int codePoints)
        {
            model.TokenizeWord(word, starts, ends, codePoints, output, WordIndex++);
            return output.Count >= limit;
        }

        public bool OnPackedWord(Vector128<byte> word, int length, int start)
        {
            model.TokenizePackedWord(word.AsUInt64().ToScalar(), word.AsUInt64().GetElement(1), length, start, output, WordIndex++);
            return output.Count >= limit;
        }

        public bool OnAsciiWord(ReadOnlySpan<char> word, int start)
        {
            model.TokenizeUnpackedAsciiWord(word, start, output, WordIndex++);
            return output.Count >= limit;
        }

    }

    /// <summary>Collects normalized words.</summary>
    private struct WordListSink(List<string> words) : IWordSink
    {
        public readonly bool OnWord(ReadOnlySpan<char> word, ReadOnlySpan<int> starts, ReadOnlySpan<int> ends, int codePoints)
        {
            words.Add(new string(word));
            return false;
        }

        public readonly bool OnPackedWord(Vector128<byte> word, int length, int start)
        {
            Span<char> characters = stackalloc char[PackedAsciiLookup.MaxKeyLength];
            PackedAsciiLookup.Unpack(word, length, characters);
            words.Add(new string(characters[..length]));
            return false;
        }

        public readonly bool OnAsciiWord(ReadOnlySpan<char> word, int start)
        {
            words.Add(new string(word));
            return false;
        }

    }

    /// <summary>
    /// Normalizes, pre-tokenizes and tokenizes one sequence into <paramref name="output"/>; special added tokens are
    /// cut out of the raw text first, and words are tokenized until <paramref name="limit"/> tokens exist.
    /// </summary>
    private void EncodeSequence(WordScanner scanner, ReadOnlySpan<char> text, TokenBuffer output, int limit)
    {
        output.Count = 0;
        var sink = new WordPieceSink(Model, output, limit);
        if (limit <= 0)
        {
            return;
        }
        int segmentStart = 0;
        if (_addedTokens.Length > 0)
        {
            int searchFrom = 0;
            while (searchFrom < text.Length)
            {
                int found = text[searchFrom..].IndexOfAny(_addedTokenFirstChars);
                if (found < 0)
                {
                    break;
                }
                int at = searchFrom + found;
                AddedToken? match = MatchAddedToken(text[at..]);
                if (match is null)
                {
                    searchFrom = at + 1;
                    continue;
                }
                if (at > segmentStart && scanner.Scan(Normalizer, text[segmentStart..at], segmentStart, ref sink))
                {
                    return;
                }
                output.Add(match.Id, at, at + match.Content.Length, sink.WordIndex++);
                if (output.Count >= limit)
                {
                    return;
                }
                segmentStart = searchFrom = at + match.Content.Length;
            }
        }
        if (segmentStart < text.Length)
        {
            scanner.Scan(Normalizer, text[segmentStart..], segmentStart, ref sink);
        }
    }

    private AddedToken? MatchAddedToken(ReadOnlySpan<char> text)
    {
        AddedToken? best = null;
        foreach (var token in _addedTokens)
        {
            if (text.StartsWith(token.Content, StringComparison.Ordinal) && (best is null || token.Content.Length > best.Content.Length))
            {
                best = token;
            }
        }
        return best;
    }

    /// <summary>
    /// Encodes one text into <paramref name="ids"/> without allocating (after a thread's first call) and returns
    /// how many ids were written. Special tokens are added when asked; with <see cref="Truncation"/> the result is
    /// cut to its maximum length (overflowing windows are not produced); no padding is applied.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="ids"/> is too short; the message says how long it must be.</exception>
    public int EncodeToIds(ReadOnlySpan<char> text, Span<int> ids, bool addSpecialTokens = true) =>
        EncodeToIds(text, ids, [], addSpecialTokens);

    /// <summary>
    /// As <see cref="EncodeToIds(ReadOnlySpan{char}, Span{int}, bool)"/>, also writing each token's UTF-16 offsets
    /// into <paramref name="offsets"/> when it is not empty ((0, 0) for special tokens).
    /// </summary>
    public int EncodeToIds(ReadOnlySpan<char> text, Span<int> ids, Span<(int Start, int End)> offsets, bool addSpecialTokens = true)
    {
        var scanner = WordScanner.Current;
        var buffer = scanner.First;
        bool special = addSpecialTokens && PostProcessor is not null;
        int maxContent = int.MaxValue;
        if (Truncation is { } truncation)
        {
            maxContent = Math.Max(0, truncation.MaxLength - (special ? 2 : 0));
        }
        EncodeSequence(scanner, text, buffer, Truncation?.MaxLength ?? int.MaxValue);
        int content = Math.Min(buffer.Count, maxContent);
        int skip = Truncation?.Direction == TruncationDirection.Left ? buffer.Count - content : 0;
        int total = content + (special ? 2 : 0);
        if (ids.Length < total || (!offsets.IsEmpty && offsets.Length < total))
        {
            throw new ArgumentException($"the destination holds {ids.Length} ids but this text needs {total}", nameof(ids));
        }
        int k = 0;
        if (special)
        {
            ids[k] = PostProcessor!.ClsId;
            if (!offsets.IsEmpty)
            {
                offsets[k] = (0, 0);
            }
            k++;
        }
        buffer.Ids.AsSpan(skip, content).CopyTo(ids[k..]);
        if (!offsets.IsEmpty)
        {
            for (int i = 0; i < content; i++)
            {
                offsets[k + i] = (buffer.Starts[skip + i], buffer.Ends[skip + i]);
            }
        }
        k += content;
        if (special)
        {
            ids[k] = PostProcessor!.SepId;
            if (!offsets.IsEmpty)
            {
                offsets[k] = (0, 0);
            }
            k++;
        }
        return k;
    }

    /// <summary>The number of WordPiece tokens of a text, special tokens excluded; allocation-free.</summary>
    public int CountTokens(ReadOnlySpan<char> text)
    {
        var scanner = WordScanner.Current;
        EncodeSequence(scanner, text, scanner.First, int.MaxValue);
        return scanner.First.Count;
    }

    /// <summary>
    /// Encodes texts on all cores into a padded row-major matrix: row i of <paramref name="ids"/> and
    /// <paramref name="attentionMask"/> (each <c>texts.Count * rowLength</c> long) holds text i with its special
    /// tokens, cut to <paramref name="rowLength"/> (its end dropped) and padded with <paramref name="padId"/>.
    /// Returns the longest row actually used, so that callers can trim.
    /// </summary>
    /// <param name="texts">The texts, one per row.</param>
    /// <param name="ids">Receives the token ids, row i at <c>i * rowLength</c>.</param>
    /// <param name="attentionMask">Receives 1 for each token and 0 for each pad, laid out as <paramref name="ids"/>.</param>
    /// <param name="rowLength">The row length: longer encodings are cut, shorter ones padded.</param>
    /// <param name="padId">The id written after each row's tokens.</param>
    /// <param name="addSpecialTokens">Whether to add [CLS] and [SEP] (when the tokenizer has a post-processor).</param>
    /// <param name="maxDegreeOfParallelism">
    /// How many threads may encode at once: -1 (the default) for every core, 1 for the calling thread alone (the
    /// same code and output, e.g. a single-thread baseline); more than <see cref="Environment.ProcessorCount"/> is
    /// capped to it.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="rowLength"/> has no room for the special tokens, or <paramref name="maxDegreeOfParallelism"/>
    /// is 0 or below -1.
    /// </exception>
    /// <exception cref="ArgumentException">The matrices hold fewer than <c>texts.Count * rowLength</c> entries.</exception>
    public int EncodeBatchToIds(IReadOnlyList<string> texts, int[] ids, int[] attentionMask, int rowLength, int padId = 0,
        bool addSpecialTokens = true, int maxDegreeOfParallelism = -1)
    {
        return PaddedRowBatch.Run(texts, ids, attentionMask, rowLength, addSpecialTokens && PostProcessor is not null ? 2 : 0, padId,
            maxDegreeOfParallelism, () =>
            {
                var truncated = WithTruncation(new TruncationOptions(rowLength));
                return (_, text, row) => truncated.EncodeToIds(text, row, addSpecialTokens);
            });
    }

    /// <summary>
    /// Counts the words (pre-tokens) and WordPiece tokens of a text, special tokens excluded, without allocating:
    /// their ratio is the fertility.
    /// </summary>
    public (int Words, int Tokens) CountWordsAndTokens(ReadOnlySpan<char> text)
    {
        var scanner = WordScanner.Current;
        var buffer = scanner.First;
        buffer.Count = 0;
        var sink = new WordPieceSink(Model, buffer, int.MaxValue);
        scanner.Scan(Normalizer, text, 0, ref sink);
        return (sink.WordIndex, buffer.Count);
    }

    /// <summary>The normalized words (pre-tokens) of a text, as the WordPiece model sees them.</summary>
    public IReadOnlyList<string> PreTokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var sink = new WordListSink(words);
        WordScanner.Current.Scan(Normalizer, text, 0, ref sink);
        return words;
    }

    /// <summary>Token strings for ids (ids without a token are dropped, as HF does).</summary>
    public IReadOnlyList<string> ConvertIdsToTokens(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var tokens = new List<string>();
        foreach (int id in ids)
        {
            if (skipSpecialTokens && _specialIds.Contains(id))
            {
                continue;
            }
            if (Vocabulary[id] is { } token)
            {
                tokens.Add(token);
            }
        }
        return tokens;
    }

    /// <summary>Decodes ids to text with the <see cref="Decoder"/>, skipping special tokens unless asked not to.</summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true) =>
        Decoder.Decode(ConvertIdsToTokens(ids, skipSpecialTokens));
}
