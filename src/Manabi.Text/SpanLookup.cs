using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Manabi.Text;

/// <summary>
/// An open-addressing table from UTF-16 keys to ids, looked up by span so that the hot path never
/// builds a string (nor a "##" + piece concatenation).
/// </summary>
internal sealed class SpanLookup
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Entry
    {
        public uint Hash;
        public int KeyStart;
        public int KeyLength;
        public int Id;
    }

    private readonly int[] _buckets;
    private readonly Entry[] _entries;
    private readonly char[] _keys;
    private readonly int _mask;
    private int _count;

    /// <summary>The longest key, in UTF-16 units: longer spans cannot match.</summary>
    public int MaxKeyLength { get; private set; }

    public SpanLookup(IReadOnlyList<(string Key, int Id)> items)
    {
        int capacity = 16;
        while (capacity < items.Count * 2)
        {
            capacity <<= 1;
        }
        _mask = capacity - 1;
        _buckets = new int[capacity];
        _entries = new Entry[Math.Max(1, items.Count)];
        int keyChars = 0;
        foreach (var (key, _) in items)
        {
            keyChars += key.Length;
        }
        _keys = new char[keyChars];
        int position = 0;
        foreach (var (key, id) in items)
        {
            uint hash = Hash(key);
            if (Find(key, hash) >= 0)
            {
                // Later duplicates win, as in HF's vocab loading (a map insert per line).
                ref Entry existing = ref _entries[FindEntry(key, hash)];
                existing.Id = id;
                continue;
            }
            key.CopyTo(_keys.AsSpan(position));
            _entries[_count] = new Entry { Hash = hash, KeyStart = position, KeyLength = key.Length, Id = id };
            int bucket = (int)hash & _mask;
            while (_buckets[bucket] != 0)
            {
                bucket = (bucket + 1) & _mask;
            }
            _buckets[bucket] = _count + 1;
            _count++;
            position += key.Length;
            MaxKeyLength = Math.Max(MaxKeyLength, key.Length);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Hash(ReadOnlySpan<char> key)
    {
        uint hash = 2166136261u ^ (uint)key.Length;
        foreach (char c in key)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return hash ^ (hash >> 15);
    }

    /// <summary>The id of <paramref name="key"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ReadOnlySpan<char> key) => Find(key, Hash(key));

    private int Find(ReadOnlySpan<char> key, uint hash)
    {
        int entry = FindEntry(key, hash);
        return entry < 0 ? -1 : _entries[entry].Id;
    }

    private int FindEntry(ReadOnlySpan<char> key, uint hash)
    {
        int bucket = (int)hash & _mask;
        while (true)
        {
            int slot = _buckets[bucket];
            if (slot == 0)
            {
                return -1;
            }
            ref Entry e = ref _entries[slot - 1];
            if (e.Hash == hash && e.KeyLength == key.Length && key.SequenceEqual(_keys.AsSpan(e.KeyStart, e.KeyLength)))
            {
                return slot - 1;
            }
            bucket = (bucket + 1) & _mask;
        }
    }
}
