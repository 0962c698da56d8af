using System.Collections.Concurrent;

namespace Manabi.Text;

/// <summary>
/// The models' word cache (HF's): a piece's tokens as packed (id, start, end) triples, looked up by span so that a hit
/// allocates nothing. Bounded as HF's is: once full it stops taking new words rather than evicting (the frequent words
/// arrive first in practice), and pieces of 256 characters or more are not kept. Safe for concurrent encoders.
/// </summary>
internal sealed class WordCache
{
    /// <summary>HF's default capacity (DEFAULT_CACHE_CAPACITY).</summary>
    public const int DefaultCapacity = 10_000;

    /// <summary>HF's MAX_LENGTH: longer pieces are rarely seen twice.</summary>
    public const int MaxPieceLength = 256;

    private readonly ConcurrentDictionary<string, int[]> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _capacity;
    private int _count;

    public WordCache(int capacity)
    {
        _capacity = capacity;
        _lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public bool TryGet(ReadOnlySpan<char> piece, out int[] packed) => _lookup.TryGetValue(piece, out packed!);

    public void Add(ReadOnlySpan<char> piece, int[] packed)
    {
        if (piece.Length >= MaxPieceLength || Volatile.Read(ref _count) >= _capacity)
        {
            return;
        }
        if (_lookup.TryAdd(piece, packed))
        {
            Interlocked.Increment(ref _count);
        }
    }

    public void Clear()
    {
        _entries.Clear();
        Volatile.Write(ref _count, 0);
    }
}
