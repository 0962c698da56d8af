using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Manabi.Text;

/// <summary>
/// A read-mostly open-addressing table from non-negative 64-bit keys to ints, built once: the BPE merge table (a packed
/// pair of ids to its rank) and the Unigram trie's edges (a packed node and character to the child node). A Dictionary
/// costs a comparer call and a bucket indirection per probe; this is one multiply and, mostly, one slot read.
/// </summary>
internal sealed class LongIntMap
{
    private const long Empty = -1;

    private long[] _keys;
    private int[] _values;
    private int _mask;
    private int _shift;

    public LongIntMap(int expectedCount)
    {
        int capacity = 16;
        while (capacity < expectedCount * 2)
        {
            capacity <<= 1;
        }
        Allocate(capacity);
    }

    /// <summary>The number of keys.</summary>
    public int Count { get; private set; }

    [MemberNotNull(nameof(_keys), nameof(_values))]
    private void Allocate(int capacity)
    {
        _keys = new long[capacity];
        _keys.AsSpan().Fill(Empty);
        _values = new int[capacity];
        _mask = capacity - 1;
        _shift = 64 - System.Numerics.BitOperations.Log2((uint)capacity);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(long key) => (int)((ulong)key * 0x9E3779B97F4A7C15UL >> _shift);

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>, replacing an existing value (later wins).</summary>
    public void Set(long key, int value)
    {
        if ((Count + 1) * 2 > _keys.Length)
        {
            long[] keys = _keys;
            int[] values = _values;
            Allocate(_keys.Length * 2);
            Count = 0;
            for (int i = 0; i < keys.Length; i++)
            {
                if (keys[i] != Empty)
                {
                    Set(keys[i], values[i]);
                }
            }
        }
        int slot = Slot(key);
        while (_keys[slot] != Empty)
        {
            if (_keys[slot] == key)
            {
                _values[slot] = value;
                return;
            }
            slot = (slot + 1) & _mask;
        }
        _keys[slot] = key;
        _values[slot] = value;
        Count++;
    }

    /// <summary>The value of <paramref name="key"/>, or -1 when absent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Get(long key)
    {
        ref long keys = ref MemoryMarshal.GetArrayDataReference(_keys);
        int mask = _mask;
        int slot = Slot(key);
        while (true)
        {
            // The mask keeps slot inside the power-of-two array.
            long found = Unsafe.Add(ref keys, slot);
            if (found == key)
            {
                return Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_values), slot);
            }
            if (found == Empty)
            {
                return -1;
            }
            slot = (slot + 1) & mask;
        }
    }

    /// <summary>Visits every entry (order unspecified).</summary>
    public IEnumerable<(long Key, int Value)> Entries()
    {
        for (int i = 0; i < _keys.Length; i++)
        {
            if (_keys[i] != Empty)
            {
                yield return (_keys[i], _values[i]);
            }
        }
    }
}
