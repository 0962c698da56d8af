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
            return buffer.Count + (addSpecialTokens ? fused.Prefix.Length + fused.Suffix.Length : 0);
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
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(attentionMask);
        if (WordPiece is { } wordPiece)
        {
            return wordPiece.EncodeBatchToIds(texts, ids, attentionMask, rowLength, padId, addSpecialTokens, maxDegreeOfParallelism);
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(rowLength, addSpecialTokens ? PostProcessor?.AddedTokens(false) ?? 0 : 0);
        if (maxDegreeOfParallelism is 0 or < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism,
                "must be -1 (every core) or a positive number of threads");
        }
        long needed = (long)texts.Count * rowLength;
        if (ids.Length < needed || attentionMask.Length < needed)
        {
            throw new ArgumentException($"the matrices must hold {needed} entries ({texts.Count} rows of {rowLength})", nameof(ids));
        }
        var rows = new PaddedRows(this, texts, ids, attentionMask, rowLength, padId, addSpecialTokens);
        int threads = maxDegreeOfParallelism == -1 ? Environment.ProcessorCount : Math.Min(maxDegreeOfParallelism, Environment.ProcessorCount);
        threads = Math.Min(threads, rows.ChunkCount);
        if (threads <= 1)
        {
            rows.Work();
        }
        else
        {
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => rows.Work());
        }
        return rows.Longest;
    }

    private int EncodeToIds(ReadOnlySpan<char> text, Span<int> ids, Span<(int Start, int End)> offsets, bool addSpecialTokens,
        int maxLength, TruncationDirection direction)
    {
        if (_byteLevel is { } fused && fused.TryEncode(text, out var buffer))
        {
            ReadOnlySpan<int> prefix = addSpecialTokens ? fused.Prefix : [];
            ReadOnlySpan<int> suffix = addSpecialTokens ? fused.Suffix : [];
            int content = Math.Min(buffer.Count, Math.Max(0, maxLength - prefix.Length - suffix.Length));
            int skip = direction == TruncationDirection.Left ? buffer.Count - content : 0;
            int total = prefix.Length + content + suffix.Length;
            CheckRoom(ids, offsets, total);
            prefix.CopyTo(ids);
            buffer.Ids.AsSpan(skip, content).CopyTo(ids[prefix.Length..]);
            suffix.CopyTo(ids[(prefix.Length + content)..]);
            if (!offsets.IsEmpty)
            {
                offsets[..total].Clear();
                for (int i = 0; i < content; i++)
                {
                    offsets[prefix.Length + i] = (buffer.Starts[skip + i], buffer.Ends[skip + i]);
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

    /// <summary>
    /// The shared state of one <see cref="EncodeBatchToIds"/> call: each thread claims small chunks of consecutive
    /// rows until none is left, so one thread runs the same code as several and slow threads leave no long tail.
    /// </summary>
    private sealed class PaddedRows
    {
        private const int MaxRowsPerChunk = 64;
        private const int MinChunksPerCore = 16;

        private readonly Tokenizer _tokenizer;
        private readonly IReadOnlyList<string> _texts;
        private readonly int[] _ids;
        private readonly int[] _attentionMask;
        private readonly int _rowLength;
        private readonly int _padId;
        private readonly bool _addSpecialTokens;
        private readonly int _maxLength;
        private readonly TruncationDirection _direction;
        private readonly int _rowsPerChunk;
        private int _nextChunk = -1;
        private int _longest;

        public PaddedRows(Tokenizer tokenizer, IReadOnlyList<string> texts, int[] ids, int[] attentionMask, int rowLength, int padId,
            bool addSpecialTokens)
        {
            _tokenizer = tokenizer;
            _texts = texts;
            _ids = ids;
            _attentionMask = attentionMask;
            _rowLength = rowLength;
            _padId = padId;
            _addSpecialTokens = addSpecialTokens;
            _maxLength = Math.Min(rowLength, tokenizer.Truncation?.MaxLength ?? int.MaxValue);
            _direction = tokenizer.Truncation?.Direction ?? TruncationDirection.Right;
            // Independent of the thread count, so that one thread runs exactly the chunks that several share.
            _rowsPerChunk = Math.Clamp(texts.Count / (Environment.ProcessorCount * MinChunksPerCore), 1, MaxRowsPerChunk);
            ChunkCount = (texts.Count + _rowsPerChunk - 1) / _rowsPerChunk;
        }

        public int ChunkCount { get; }

        public int Longest => Volatile.Read(ref _longest);

        public void Work()
        {
            int longest = 0;
            int chunk;
            while ((chunk = Interlocked.Increment(ref _nextChunk)) < ChunkCount)
            {
                int first = chunk * _rowsPerChunk;
                int end = Math.Min(first + _rowsPerChunk, _texts.Count);
                for (int i = first; i < end; i++)
                {
                    var text = _texts[i] ?? throw new ArgumentException($"texts[{i}] is null", "texts");
                    var row = _ids.AsSpan(i * _rowLength, _rowLength);
                    int n = _tokenizer.EncodeToIds(text, row, [], _addSpecialTokens, _maxLength, _direction);
                    row[n..].Fill(_padId);
                    var mask = _attentionMask.AsSpan(i * _rowLength, _rowLength);
                    mask[..n].Fill(1);
                    mask[n..].Clear();
                    longest = Math.Max(longest, n);
                }
            }
            int seen;
            while (longest > (seen = Volatile.Read(ref _longest)) && Interlocked.CompareExchange(ref _longest, longest, seen) != seen)
            {
            }
        }
    }
}
