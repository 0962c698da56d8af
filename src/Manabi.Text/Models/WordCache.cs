namespace Manabi.Text;

/// <summary>
/// The models' word cache (HF's): a piece's tokens as packed (id, start, end) triples, looked up by span so that a hit
/// allocates nothing. Bounded as HF's is: once full it stops taking new words rather than evicting (the frequent words
/// arrive first in practice), and pieces of 256 characters or more are not kept.
/// </summary>
/// <remarks>
/// An insert-only open-addressing table of immutable entries: readers take no lock (a slot is read atomically and an
/// entry never changes once published), writers publish with a compare-and-swap. Inserts take a ticket first, so the
/// table never holds more than its capacity and always keeps empty slots for probes to stop at. The hash is the
/// runtime's per-process randomized string hash, so crafted text cannot pile keys onto one probe chain.
/// </remarks>
internal sealed class WordCache
{
    /// <summary>HF's default capacity (DEFAULT_CACHE_CAPACITY).</summary>
    public const int DefaultCapacity = 10_000;

    /// <summary>HF's MAX_LENGTH: longer pieces are rarely seen twice.</summary>
    public const int MaxPieceLength = 256;

    private sealed class Entry(string key, int[] value, int hash)
    {
        public readonly string Key = key;
        public readonly int[] Value = value;
        public readonly int Hash = hash;
    }

    private readonly Entry?[] _slots;
    private readonly int _mask;
    private readonly int _capacity;
    private int _tickets;

    public WordCache(int capacity)
    {
        _capacity = Math.Min(capacity, 1 << 24);
        int size = 16;
        while (size < _capacity * 2)
        {
            size <<= 1;
        }
        _slots = new Entry?[size];
        _mask = size - 1;
    }

    public bool TryGet(ReadOnlySpan<char> piece, out int[] packed)
    {
        int hash = string.GetHashCode(piece);
        Entry?[] slots = _slots;
        for (int i = hash & _mask; ; i = (i + 1) & _mask)
        {
            Entry? entry = Volatile.Read(ref slots[i]);
            if (entry is null)
            {
                packed = null!;
                return false;
            }
            if (entry.Hash == hash && piece.SequenceEqual(entry.Key))
            {
                packed = entry.Value;
                return true;
            }
        }
    }

    /// <summary>Whether <see cref="Add"/> would keep <paramref name="piece"/> now (the cache is not full and the piece not too long).</summary>
    public bool Accepts(ReadOnlySpan<char> piece) => piece.Length < MaxPieceLength && Volatile.Read(ref _tickets) < _capacity;

    public void Add(ReadOnlySpan<char> piece, int[] packed)
    {
        if (piece.Length >= MaxPieceLength || Volatile.Read(ref _tickets) >= _capacity)
        {
            return;
        }
        if (Interlocked.Increment(ref _tickets) > _capacity)
        {
            return;
        }
        int hash = string.GetHashCode(piece);
        var fresh = new Entry(piece.ToString(), packed, hash);
        Entry?[] slots = _slots;
        for (int i = hash & _mask; ;)
        {
            Entry? entry = Volatile.Read(ref slots[i]);
            if (entry is null)
            {
                if (Interlocked.CompareExchange(ref slots[i], fresh, null) is null)
                {
                    return;
                }
                // Another writer took this slot: look at what it put there.
                continue;
            }
            if (entry.Hash == hash && piece.SequenceEqual(entry.Key))
            {
                // Already cached by another thread: give the ticket back.
                Interlocked.Decrement(ref _tickets);
                return;
            }
            i = (i + 1) & _mask;
        }
    }

    public void Clear()
    {
        // Readers racing with this see either an entry (still correct for this model) or a miss.
        Array.Clear(_slots);
        Volatile.Write(ref _tickets, 0);
    }
}
