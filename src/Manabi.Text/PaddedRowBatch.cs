namespace Manabi.Text;

/// <summary>
/// The engine behind both <c>EncodeBatchToIds</c> methods (<see cref="WordPieceTokenizer"/> and <see cref="Tokenizer"/>):
/// checks the matrices, then lets each thread claim small chunks of consecutive rows until none is left, so that one
/// thread runs exactly the code that several share and threads slowed by other load leave no long tail. Each row is
/// encoded by the caller's <see cref="RowEncoder"/>, padded with the pad id and masked.
/// </summary>
internal sealed class PaddedRowBatch
{
    /// <summary>Encodes text <paramref name="index"/> into <paramref name="row"/>; returns how many ids it wrote.</summary>
    public delegate int RowEncoder(int index, string text, Span<int> row);

    /// <summary>
    /// The most rows per chunk (about 70 µs of BERT-sized text): small enough that the last chunks even out the
    /// threads' finish times, large enough that claiming one (an interlocked add) costs nothing next to its rows.
    /// </summary>
    private const int MaxRowsPerChunk = 64;

    /// <summary>Smaller batches still get this many chunks per core, so that they are balanced too.</summary>
    private const int MinChunksPerCore = 16;

    private readonly IReadOnlyList<string> _texts;
    private readonly int[] _ids;
    private readonly int[] _attentionMask;
    private readonly int _rowLength;
    private readonly int _padId;
    private readonly RowEncoder _encode;
    private readonly int _rowsPerChunk;
    private readonly int _chunkCount;
    private int _nextChunk = -1;
    private int _longest;

    private PaddedRowBatch(IReadOnlyList<string> texts, int[] ids, int[] attentionMask, int rowLength, int padId, RowEncoder encode)
    {
        _texts = texts;
        _ids = ids;
        _attentionMask = attentionMask;
        _rowLength = rowLength;
        _padId = padId;
        _encode = encode;
        // Independent of the thread count, so that one thread runs exactly the chunks that several share.
        _rowsPerChunk = Math.Clamp(texts.Count / (Environment.ProcessorCount * MinChunksPerCore), 1, MaxRowsPerChunk);
        _chunkCount = (texts.Count + _rowsPerChunk - 1) / _rowsPerChunk;
    }

    /// <summary>
    /// Encodes every text into its padded row of <paramref name="ids"/> and <paramref name="attentionMask"/> on up to
    /// <paramref name="maxDegreeOfParallelism"/> threads (-1: every core); returns the longest row used.
    /// <paramref name="createEncoder"/> makes the row encoder once the arguments are checked (e.g. a tokenizer truncating
    /// to the row length, which could not be made for a bad length).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rowLength"/> is below <paramref name="minRowLength"/>,
    /// or <paramref name="maxDegreeOfParallelism"/> is 0 or below -1.</exception>
    /// <exception cref="ArgumentException">The matrices hold fewer than <c>texts.Count * rowLength</c> entries, or a text is null.</exception>
    public static int Run(IReadOnlyList<string> texts, int[] ids, int[] attentionMask, int rowLength, int minRowLength, int padId,
        int maxDegreeOfParallelism, Func<RowEncoder> createEncoder)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(attentionMask);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowLength, minRowLength);
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
        var batch = new PaddedRowBatch(texts, ids, attentionMask, rowLength, padId, createEncoder());
        int threads = maxDegreeOfParallelism == -1 ? Environment.ProcessorCount : Math.Min(maxDegreeOfParallelism, Environment.ProcessorCount);
        threads = Math.Min(threads, batch._chunkCount);
        if (threads <= 1)
        {
            batch.Work();
        }
        else
        {
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => batch.Work());
        }
        return Volatile.Read(ref batch._longest);
    }

    private void Work()
    {
        int longest = 0;
        int chunk;
        while ((chunk = Interlocked.Increment(ref _nextChunk)) < _chunkCount)
        {
            int first = chunk * _rowsPerChunk;
            int end = Math.Min(first + _rowsPerChunk, _texts.Count);
            for (int i = first; i < end; i++)
            {
                string text = _texts[i] ?? throw new ArgumentException($"texts[{i}] is null", "texts");
                var row = _ids.AsSpan(i * _rowLength, _rowLength);
                int n = _encode(i, text, row);
                row[n..].Fill(_padId);
                var mask = _attentionMask.AsSpan(i * _rowLength, _rowLength);
                mask[..n].Fill(1);
                mask[n..].Clear();
                longest = Math.Max(longest, n);
            }
        }
        // Publish this thread's longest row: retry only while another thread raced in a smaller one.
        int seen;
        while (longest > (seen = Volatile.Read(ref _longest)) && Interlocked.CompareExchange(ref _longest, longest, seen) != seen)
        {
        }
    }
}
