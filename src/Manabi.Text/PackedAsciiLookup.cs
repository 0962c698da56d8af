using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Manabi.Text;

/// <summary>
/// An open-addressing table from short ASCII keys to ids, for the words of the ASCII fast path. A key of up to
/// <see cref="MaxKeyLength"/> characters is packed as 16 little-endian bytes in two ulongs (character k in byte k,
/// zero bytes after its end), so the scanner can hand over a word it already holds in a vector register, and a
/// prefix of a packed word is a mask away: hashing is two multiplications, not a pass over the characters, and a
/// comparison is two integer compares. Keys may not contain U+0000 (a zero byte marks the end).
/// Built once from a fixed vocabulary and then only read, so it is thread-safe; its probe sequences depend on the
/// vocabulary alone (input text only looks keys up), so no text can lengthen them.
/// </summary>
internal sealed class PackedAsciiLookup
{
    /// <summary>The longest key that packs.</summary>
    public const int MaxKeyLength = 16;

    /// <summary>Presence-filter bits per slot: a miss passes the filter with chance about load / 8.</summary>
    private const int PresenceBitsPerSlotLog2 = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct Slot
    {
        /// <summary>The key's first eight bytes; 0 marks an empty slot (a key's first byte is never 0).</summary>
        public ulong Low;
        public int Id;
        /// <summary>Index in <see cref="_highs"/> of the key's last eight bytes (entry 0 is 0, shared by all keys of up to 8 characters).</summary>
        public int HighIndex;
    }

    private readonly Slot[] _slots;
    private readonly ulong[] _highs;
    private readonly ulong[] _presence;
    private readonly int _mask;
    private readonly int _presenceShift;

    /// <summary>The longest key in the table, in characters (at most <see cref="MaxKeyLength"/>).</summary>
    public int LongestKey { get; }

    /// <summary>
    /// Builds the table from keys that <see cref="TryPack"/> accepts (others are skipped: the caller's span tables
    /// hold them); ids must already be resolved (a duplicated key keeps the last id given for it).
    /// </summary>
    public PackedAsciiLookup(IEnumerable<(string Key, int Id)> items, double maxLoad = 0.75)
    {
        var packed = new Dictionary<(ulong, ulong), int>();
        foreach (var (key, id) in items)
        {
            if (TryPack(key, out ulong low, out ulong high))
            {
                packed[(low, high)] = id;
                LongestKey = Math.Max(LongestKey, key.Length);
            }
        }
        int capacity = 16;
        while (capacity * maxLoad < packed.Count)
        {
            capacity <<= 1;
        }
        _mask = capacity - 1;
        _slots = new Slot[capacity];
        _presence = new ulong[Math.Max(1, (capacity << PresenceBitsPerSlotLog2) / 64)];
        _presenceShift = 64 - BitOperations.Log2((uint)capacity) - PresenceBitsPerSlotLog2;
        var highs = new List<ulong> { 0 };
        foreach (var ((low, high), id) in packed)
        {
            int highIndex = 0;
            if (high != 0)
            {
                highIndex = highs.Count;
                highs.Add(high);
            }
            int bit = PresenceBit(low, high);
            _presence[bit >> 6] |= 1UL << bit;
            int slot = bit >> PresenceBitsPerSlotLog2;
            while (_slots[slot].Low != 0)
            {
                slot = (slot + 1) & _mask;
            }
            _slots[slot] = new Slot { Low = low, Id = id, HighIndex = highIndex };
        }
        _highs = [.. highs];
    }

    /// <summary>
    /// Packs a key of 1 to <see cref="MaxKeyLength"/> ASCII characters other than U+0000; false for any other key, with
    /// both halves 0 (the fast path's mark of a word that does not pack).
    /// </summary>
    public static bool TryPack(ReadOnlySpan<char> key, out ulong low, out ulong high)
    {
        low = high = 0;
        if (key.IsEmpty || key.Length > MaxKeyLength)
        {
            return false;
        }
        for (int i = 0; i < key.Length; i++)
        {
            char c = key[i];
            if (c is '\0' or >= (char)128)
            {
                low = high = 0;
                return false;
            }
            if (i < 8)
            {
                low |= (ulong)c << (i * 8);
            }
            else
            {
                high |= (ulong)c << ((i - 8) * 8);
            }
        }
        return true;
    }

    /// <summary>Writes the <paramref name="length"/> characters of a packed word to <paramref name="destination"/>.</summary>
    public static void Unpack(Vector128<byte> word, int length, Span<char> destination)
    {
        for (int k = 0; k < length; k++)
        {
            destination[k] = (char)word.GetElement(k);
        }
    }

    /// <summary>
    /// The filter bit of a packed key: the top bits of a multiplicative hash (which depend on every input bit);
    /// its slot is the same bits without the last <see cref="PresenceBitsPerSlotLog2"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int PresenceBit(ulong low, ulong high) =>
        (int)(((low ^ (high * 0xC2B2AE3D27D4EB4FUL)) * 0x9E3779B97F4A7C15UL) >> _presenceShift);

    /// <summary>The id of the packed key (<paramref name="low"/>, <paramref name="high"/>), or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ulong low, ulong high)
    {
        int bit = PresenceBit(low, high);
        // bit < capacity * 8 = _presence.Length * 64; slot indices are masked to the power-of-two capacity.
        if ((Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_presence), bit >> 6) & (1UL << bit)) == 0)
        {
            return -1;
        }
        return Probe(low, high, bit >> PresenceBitsPerSlotLog2);
    }

    /// <summary>
    /// As <see cref="Find"/> without the presence filter: cheaper for keys that are usually present (whole words),
    /// whose filter read would only add a cache line to touch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int FindLikelyPresent(ulong low, ulong high) => Probe(low, high, PresenceBit(low, high) >> PresenceBitsPerSlotLog2);

    private int Probe(ulong low, ulong high, int index)
    {
        ref Slot slots = ref MemoryMarshal.GetArrayDataReference(_slots);
        ref ulong highs = ref MemoryMarshal.GetArrayDataReference(_highs);
        while (true)
        {
            ref Slot slot = ref Unsafe.Add(ref slots, index);
            if (slot.Low == low && Unsafe.Add(ref highs, slot.HighIndex) == high)
            {
                return slot.Id;
            }
            if (slot.Low == 0)
            {
                return -1;
            }
            index = (index + 1) & _mask;
        }
    }

    /// <summary>
    /// The key made of characters [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>)
    /// of a packed word (both within its 16 bytes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (ulong Low, ulong High) Slice(ulong low, ulong high, int offset, int length)
    {
        if (offset >= 8)
        {
            low = high >> ((offset - 8) * 8);
            high = 0;
        }
        else if (offset > 0)
        {
            low = (low >> (offset * 8)) | (high << ((8 - offset) * 8));
            high >>= offset * 8;
        }
        return length >= 8
            ? (low, high & (length == 16 ? ulong.MaxValue : (1UL << ((length - 8) * 8)) - 1))
            : (low & ((1UL << (length * 8)) - 1), 0);
    }
}
