using System.Numerics;
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

    /// <summary>Keys of up to this many ASCII characters are stored inside their slot.</summary>
    private const int InlineChars = 7;

    /// <summary>Top byte of <see cref="Slot.Key"/> for a key kept in <see cref="_keys"/> (inline keys have their length there).</summary>
    private const ulong ExternalTag = 0x80UL << 56;

    /// <summary>A probe for a key that cannot be inline: equal to no inline slot key.</summary>
    private const ulong NotInline = ulong.MaxValue;

    [StructLayout(LayoutKind.Sequential)]
    private struct Slot
    {
        public uint Hash;
        /// <summary>Id + 1; 0 marks an empty slot.</summary>
        public int IdPlusOne;
        /// <summary>
        /// Inline key: its ASCII characters in bytes 0..6 and its length in byte 7, so that a hit on a short key
        /// reads no other memory. External key: <see cref="ExternalTag"/> | length &lt;&lt; 32 | start in <see cref="_keys"/>.
        /// </summary>
        public ulong Key;
    }

    private readonly Slot[] _slots;
    private readonly char[] _keys;
    private readonly int _mask;

    /// <summary>
    /// One bit per hash bucket (8 per slot, from other hash bits than the slot index) set for every key: most spans
    /// that are not keys are ruled out by one read of this small array, which stays in the L1 cache.
    /// </summary>
    private readonly ulong[] _presence;
    private readonly int _presenceShift;

    /// <summary>The longest key, in UTF-16 units: longer spans cannot match.</summary>
    public int MaxKeyLength { get; }

    /// <summary>Builds the table; <paramref name="maxLoad"/> trades probe length for size (cache footprint).</summary>
    public SpanLookup(IReadOnlyList<(string Key, int Id)> items, double maxLoad = 0.5)
    {
        int capacity = 16;
        while (capacity * maxLoad < items.Count)
        {
            capacity <<= 1;
        }
        _mask = capacity - 1;
        _slots = new Slot[capacity];
        _presence = new ulong[capacity / 8];
        _presenceShift = 32 - BitOperations.Log2((uint)capacity * 8);
        int keyChars = 0;
        foreach (var (key, _) in items)
        {
            keyChars += key.Length;
        }
        _keys = new char[keyChars];
        int position = 0;
        foreach (var (key, id) in items)
        {
            if (key.Length >= 1 << 24)
            {
                throw new ArgumentException($"a vocabulary token of {key.Length} characters is too long", nameof(items));
            }
            uint hash = Hash(key);
            int found = FindSlot(key, hash);
            if (found >= 0)
            {
                // Later duplicates win, as in HF's vocab loading (a map insert per line).
                _slots[found].IdPlusOne = id + 1;
                continue;
            }
            ulong packed = InlineKey(key);
            if (packed == NotInline)
            {
                key.CopyTo(_keys.AsSpan(position));
                packed = ExternalTag | (ulong)key.Length << 32 | (uint)position;
                position += key.Length;
            }
            int slot = (int)hash & _mask;
            while (_slots[slot].IdPlusOne != 0)
            {
                slot = (slot + 1) & _mask;
            }
            _slots[slot] = new Slot { Hash = hash, IdPlusOne = id + 1, Key = packed };
            int bit = PresenceBit(hash);
            _presence[bit >> 6] |= 1UL << bit;
            MaxKeyLength = Math.Max(MaxKeyLength, key.Length);
        }
    }

    /// <summary>The inline form of a key of at most <see cref="InlineChars"/> ASCII characters, else <see cref="NotInline"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong InlineKey(ReadOnlySpan<char> key)
    {
        if (key.Length > InlineChars)
        {
            return NotInline;
        }
        ulong packed = (ulong)key.Length << 56;
        uint seen = 0;
        for (int i = 0; i < key.Length; i++)
        {
            seen |= key[i];
            packed |= (ulong)key[i] << (i * 8);
        }
        return seen < 128 ? packed : NotInline;
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int PresenceBit(uint hash) => (int)((hash * 0x9E3779B1u) >> _presenceShift);

    /// <summary>
    /// False when no key has this <see cref="Hash"/>; true when one may (then
    /// <see cref="Find(ReadOnlySpan{char}, uint, ulong)"/> decides).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MayContain(uint hash)
    {
        int bit = PresenceBit(hash);
        // bit < capacity * 8 = _presence.Length * 64.
        return (Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_presence), bit >> 6) & (1UL << bit)) != 0;
    }

    /// <summary>The id of <paramref name="key"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ReadOnlySpan<char> key) => Find(key, Hash(key));

    /// <summary>The id of <paramref name="key"/>, whose <see cref="Hash"/> is <paramref name="hash"/>, or -1.</summary>
    public int Find(ReadOnlySpan<char> key, uint hash) => Find(key, hash, InlineKey(key));

    /// <summary>
    /// The probe for an ASCII key of <paramref name="length"/> characters whose first ones are packed in
    /// <paramref name="bytes"/> (character k in byte k; bytes past the key's end are ignored).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong AsciiProbe(ulong bytes, int length) =>
        length <= InlineChars ? (bytes & ((1UL << (length * 8)) - 1)) | (ulong)length << 56 : NotInline;

    /// <summary>As <see cref="Find(ReadOnlySpan{char}, uint)"/>, with the key's probe (<see cref="AsciiProbe"/>) known.</summary>
    public int Find(ReadOnlySpan<char> key, uint hash, ulong probe)
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
            if (slot.Hash == hash && (slot.Key == probe || (probe == NotInline && ExternalEquals(slot.Key, key))))
            {
                return slot.IdPlusOne - 1;
            }
            index = (index + 1) & mask;
        }
    }

    private bool ExternalEquals(ulong slotKey, ReadOnlySpan<char> key) =>
        (slotKey & ExternalTag) != 0 && (int)(slotKey >> 32 & 0xFFFFFF) == key.Length
        && key.SequenceEqual(_keys.AsSpan((int)(uint)slotKey, key.Length));

    private int FindSlot(ReadOnlySpan<char> key, uint hash)
    {
        ulong probe = InlineKey(key);
        int index = (int)hash & _mask;
        while (_slots[index].IdPlusOne != 0)
        {
            ref Slot slot = ref _slots[index];
            if (slot.Hash == hash && (slot.Key == probe || (probe == NotInline && ExternalEquals(slot.Key, key))))
            {
                return index;
            }
            index = (index + 1) & _mask;
        }
        return -1;
    }
}
