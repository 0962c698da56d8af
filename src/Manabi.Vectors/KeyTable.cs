using System.Text;

namespace Manabi.Vectors;

/// <summary>Open-addressing hash tables (xxHash64 of UTF-8 keys, linear probing) built at conversion time.</summary>
internal static class KeyTable
{
    public static int CapacityFor(int count)
    {
        int capacity = 16;
        while (capacity < count * 2L)
        {
            capacity <<= 1;
        }
        return capacity;
    }

    public static ulong Hash(ReadOnlySpan<byte> utf8) => XxHash.Hash64(utf8);

    /// <summary>Table of row + 1 for each key (or the first key of each distinct <paramref name="transform"/> form).</summary>
    public static int[] Build(IReadOnlyList<string> keys, Func<string, string>? transform)
    {
        int capacity = CapacityFor(keys.Count);
        var table = new int[capacity];
        int mask = capacity - 1;
        var seen = transform is null ? null : new HashSet<string>(StringComparer.Ordinal);
        for (int row = 0; row < keys.Count; row++)
        {
            string key = transform is null ? keys[row] : transform(keys[row]);
            if (seen is not null && !seen.Add(key))
            {
                continue;
            }
            int slot = (int)(Hash(Encoding.UTF8.GetBytes(key)) & (ulong)mask);
            while (table[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }
            table[slot] = row + 1;
        }
        return table;
    }
}
