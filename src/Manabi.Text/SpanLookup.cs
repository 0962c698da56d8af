using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Manabi.Text;

/// <summary>
/// An open-addressing table from UTF-16 keys to ids, looked up by span so that the hot path never
/// builds a string (nor a "##" + piece concatenation). The hash is FNV-1a over UTF-16 units with a final
/// mix, so callers can carry its state along while they scan a word (<see cref="Step"/>) and probe any prefix
/// without hashing it again. Slots hold the hash, id and key position inline: a miss costs one slot read.
/// </summary>
internal sealed class SpanLookup
{
    /// <summary>The initial hash state (FNV offset basis).</summary>
    public const uint Seed = 2166136261u;

    [StructLayout(LayoutKind.Sequential)]
    private struct Slot
    {
        public uint Hash;
        /// <summary>Id + 1; 0 marks an empty slot.</summary>
        public int IdPlusOne;
        public int KeyStart;
        public int KeyLength;
    }

    private readonly Slot[] _slots;
    private readonly char[] _keys;
    private readonly int _mask;

    /// <summary>The longest key, in UTF-16 units: longer spans cannot match.</summary>
    public int MaxKeyLength { get; }

    public SpanLookup(IReadOnlyList<(string Key, int Id)> items)
    {
        int capacity = 16;
        while (capacity < items.Count * 2)
        {
            capacity <<= 1;
        }
        _mask = capacity - 1;
        _slots = new Slot[capacity];
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
            int found = FindSlot(key, hash);
            if (found >= 0)
            {
                // Later duplicates win, as in HF's vocab loading (a map insert per line).
                _slots[found].IdPlusOne = id + 1;
                continue;
            }
            key.CopyTo(_keys.AsSpan(position));
            int slot = (int)hash & _mask;
            while (_slots[slot].IdPlusOne != 0)
            {
                slot = (slot + 1) & _mask;
            }
            _slots[slot] = new Slot { Hash = hash, IdPlusOne = id + 1, KeyStart = position, KeyLength = key.Length };
            position += key.Length;
            MaxKeyLength = Math.Max(MaxKeyLength, key.Length);
        }
    }

    /// <summary>Advances a hash state (starting at <see cref="Seed"/>) by one UTF-16 unit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Step(uint state, char c) => (state ^ c) * 16777619u;

    /// <summary>Turns a hash state into the hash that <see cref="Find(ReadOnlySpan{char}, uint)"/> expects.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Finish(uint state) => state ^ (state >> 15);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Hash(ReadOnlySpan<char> key)
    {
        uint state = Seed;
        foreach (char c in key)
        {
            state = Step(state, c);
        }
        return Finish(state);
    }

    /// <summary>The id of <paramref name="key"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ReadOnlySpan<char> key) => Find(key, Hash(key));

    /// <summary>The id of <paramref name="key"/>, whose <see cref="Hash"/> is <paramref name="hash"/>, or -1.</summary>
    public int Find(ReadOnlySpan<char> key, uint hash)
    {
        ref Slot slots = ref MemoryMarshal.GetArrayDataReference(_slots);
        int mask = _mask;
        int index = (int)hash & mask;
        while (true)
        {
            // The mask keeps index inside the power-of-two array.
            ref Slot slot = ref Unsafe.Add(ref slots, index);
            if (slot.IdPlusOne == 0)
            {
                return -1;
            }
            if (slot.Hash == hash && slot.KeyLength == key.Length
                && key.SequenceEqual(MemoryMarshal.CreateReadOnlySpan(
                    ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_keys), slot.KeyStart), slot.KeyLength)))
            {
                return slot.IdPlusOne - 1;
            }
            index = (index + 1) & mask;
        }
    }

    private int FindSlot(ReadOnlySpan<char> key, uint hash)
    {
        int index = (int)hash & _mask;
        while (_slots[index].IdPlusOne != 0)
        {
            ref Slot slot = ref _slots[index];
            if (slot.Hash == hash && slot.KeyLength == key.Length && key.SequenceEqual(_keys.AsSpan(slot.KeyStart, slot.KeyLength)))
            {
                return index;
            }
            index = (index + 1) & _mask;
        }
        return -1;
    }
}
