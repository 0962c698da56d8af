namespace Manabi.Text;

public sealed partial class Tokenizer
{
    /// <summary>The fused byte-level BPE encoder when the pipeline allows it (see <see cref="IsFused"/>), else null.</summary>
    private readonly ByteLevelBpeEncoder? _byteLevel;

    /// <summary>
    /// Whether encoding runs through a fused path that gives the general pipeline's output faster: BERT's WordPiece
    /// (<see cref="WordPiece"/>) or byte-level BPE (GPT-2 style: Llama-3, Qwen, GPT-4o, DeepSeek). The span methods of
    /// fused tokenizers allocate nothing once warm.
    /// </summary>
    public bool IsFused => WordPiece is not null || _byteLevel is not null;

    /// <summary>
    /// Encodes one text into <paramref name="ids"/> and returns how many ids were written: the ids of
    /// <see cref="Encode(string, bool)"/> (special tokens when asked, cut by <see cref="Truncation"/>, no padding,
    /// no overflowing windows). Fused tokenizers (<see cref="IsFused"/>) allocate nothing once warm.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="ids"/> is too short; the message says how long it must be.</exception>
    public int EncodeToIds(ReadOnlySpan<char> text, Span<int> ids, bool addSpecialTokens = true) =>
        EncodeToIds(text, ids, [], addSpecialTokens);

    /// <summary>
    /// As <see cref="EncodeToIds(ReadOnlySpan{char}, Span{int}, bool)"/>, also writing each token's UTF-16 offsets
    /// into <paramref name="offsets"/> when it is not empty ((0, 0) for special tokens the post-processor adds).
    /// </summary>
    /// <exception cref="ArgumentException">A destination is too short; the message says how long it must be.</exception>
    public int EncodeToIds(ReadOnlySpan<char> text, Span<int> ids, Span<(int Start, int End)> offsets, bool addSpecialTokens = true) =>
        EncodeToIds(text, ids, offsets, addSpecialTokens, Truncation?.MaxLength ?? int.MaxValue,
            Truncation?.Direction ?? TruncationDirection.Right);

    /// <summary>
    /// How many tokens <paramref name="text"/> encodes to, before truncation and padding (as
    /// <see cref="CountTokens(string, bool)"/>); fused tokenizers allocate nothing once warm.
    /// </summary>
    public int CountTokens(ReadOnlySpan<char> text, bool addSpecialTokens = false)
    {
        if (_byteLevel is { } fused && fused.TryEncode(text, out var buffer))
        {
            return buffer.Tokens.Count + (addSpecialTokens ? fused.Prefix.Length + fused.Suffix.Length : 0);
        }
        if (WordPiece is { } wordPiece && wordPiece.AddedTokens.Count == 0)
        {
            return wordPiece.CountTokens(text) + (addSpecialTokens ? PostProcessor?.AddedTokens(false) ?? 0 : 0);
        }
        return CountTokens(text.ToString(), addSpecialTokens);
    }

    /// <summary>
    /// Encodes texts into a padded row-major matrix: row i of <paramref name="ids"/> and <paramref name="attentionMask"/>
    /// (each <c>texts.Count * rowLength</c> long) holds text i with its special tokens, cut to
    /// <paramref name="rowLength"/> (and to <see cref="Truncation"/>'s length, in its direction; else the end is
    /// dropped) and padded with <paramref name="padId"/>. Threads claim small chunks of rows until none is left.
    /// Returns the longest row actually used, so that callers can trim.
    /// </summary>
    /// <param name="texts">The texts, one per row.</param>
    /// <param name="ids">Receives the token ids, row i at <c>i * rowLength</c>.</param>
    /// <param name="attentionMask">Receives 1 for each token and 0 for each pad, laid out as <paramref name="ids"/>.</param>
    /// <param name="rowLength">The row length: longer encodings are cut, shorter ones padded.</param>
    /// <param name="padId">The id written after each row's tokens.</param>
    /// <param name="addSpecialTokens">Whether the post-processor adds its special tokens.</param>
    /// <param name="maxDegreeOfParallelism">
    /// How many threads may encode at once: -1 (the default) for every core, 1 for the calling thread alone (the same
    /// code and output); more than <see cref="Environment.ProcessorCount"/> is capped to it.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="rowLength"/> has no room for the special tokens, or <paramref name="maxDegreeOfParallelism"/> is 0
    /// or below -1.
    /// </exception>
    /// <exception cref="ArgumentException">The matrices hold fewer than <c>texts.Count * rowLength</c> entries.</exception>
    public int EncodeBatchToIds(IReadOnlyList<string> texts, int[] ids, int[] attentionMask, int rowLength, int padId = 0,
        bool addSpecialTokens = true, int maxDegreeOfParallelism = -1)
    {
        // Both paths check their arguments in PaddedRowBatch.Run.
        if (WordPiece is { } wordPiece)
        {
            return wordPiece.EncodeBatchToIds(texts, ids, attentionMask, rowLength, padId, addSpecialTokens, maxDegreeOfParallelism);
        }
        int maxLength = Math.Min(rowLength, Truncation?.MaxLength ?? int.MaxValue);
        var direction = Truncation?.Direction ?? TruncationDirection.Right;
        return PaddedRowBatch.Run(texts, ids, attentionMask, rowLength, addSpecialTokens ? PostProcessor?.AddedTokens(false) ?? 0 : 0, padId,
            maxDegreeOfParallelism, () => (_, text, row) => EncodeToIds(text, row, [], addSpecialTokens, maxLength, direction));
    }

    private int EncodeToIds(ReadOnlySpan<char> text, Span<int> ids, Span<(int Start, int End)> offsets, bool addSpecialTokens,
        int maxLength, TruncationDirection direction)
    {
        if (_byteLevel is { } fused && fused.TryEncode(text, out var buffer))
        {
            ReadOnlySpan<int> prefix = addSpecialTokens ? fused.Prefix : [];
            ReadOnlySpan<int> suffix = addSpecialTokens ? fused.Suffix : [];
            int content = Math.Min(buffer.Tokens.Count, Math.Max(0, maxLength - prefix.Length - suffix.Length));
            int skip = direction == TruncationDirection.Left ? buffer.Tokens.Count - content : 0;
            int total = prefix.Length + content + suffix.Length;
            CheckRoom(ids, offsets, total);
            prefix.CopyTo(ids);
            buffer.Tokens.Ids.AsSpan(skip, content).CopyTo(ids[prefix.Length..]);
            suffix.CopyTo(ids[(prefix.Length + content)..]);
            if (!offsets.IsEmpty)
            {
                offsets[..total].Clear();
                for (int i = 0; i < content; i++)
                {
                    offsets[prefix.Length + i] = (buffer.Tokens.Starts[skip + i], buffer.Tokens.Ends[skip + i]);
                }
            }
            return total;
        }
        if (WordPiece is { } wordPiece)
        {
            var cut = maxLength == (Truncation?.MaxLength ?? int.MaxValue) && direction == (Truncation?.Direction ?? TruncationDirection.Right)
                ? wordPiece
                : wordPiece.WithTruncation(new TruncationOptions(maxLength) { Direction = direction });
            return cut.EncodeToIds(text, ids, offsets, addSpecialTokens);
        }
        // The general pipeline: its encoding, cut as the fused paths cut.
        var tokenizer = maxLength == (Truncation?.MaxLength ?? int.MaxValue) && direction == (Truncation?.Direction ?? TruncationDirection.Right)
            ? this
            : WithTruncation(Truncation is { } t ? t with { MaxLength = maxLength, Direction = direction, Stride = 0 }
                : new TruncationOptions(maxLength) { Direction = direction });
        var encoding = tokenizer.EncodeUnpadded(text.ToString(), null, addSpecialTokens);
        int count = encoding.Length;
        CheckRoom(ids, offsets, count);
        encoding.IdArray.CopyTo(ids);
        if (!offsets.IsEmpty)
        {
            var source = encoding.OffsetArray;
            var special = encoding.SpecialTokensMaskArray;
            for (int i = 0; i < count; i++)
            {
                offsets[i] = special[i] == 1 ? (0, 0) : source[i];
            }
        }
        return count;
    }

    private static void CheckRoom(Span<int> ids, Span<(int Start, int End)> offsets, int total)
    {
        if (ids.Length < total)
        {
            throw new ArgumentException($"the destination holds {ids.Length} ids but this text needs {total}", nameof(ids));
        }
        if (!offsets.IsEmpty && offsets.Length < total)
        {
            throw new ArgumentException($"the offsets destination holds {offsets.Length} entries but this text needs {total}",
                nameof(offsets));
        }
    }
}
