using System.Runtime.CompilerServices;

namespace Manabi.Text.Unicode;

/// <summary>
/// Character properties as HF tokenizers' BERT normalizer and pre-tokenizer see them, looked up in a
/// two-stage table built once from the generated ranges. Independent of ICU and of
/// <see cref="string.Normalize()"/>, which is a no-op under invariant globalization.
/// </summary>
internal static partial class UnicodeTables
{
    /// <summary>Property bits stored per code point.</summary>
    [Flags]
    internal enum CharFlags : byte
    {
        None = 0,
        /// <summary>Cc, Cf or Co: dropped by clean_text (except tab, newline, carriage return).</summary>
        Other = 1,
        /// <summary>ASCII punctuation or a Unicode P* category: isolated by the pre-tokenizer.</summary>
        Punctuation = 2,
        /// <summary>Mn: dropped after NFD when stripping accents.</summary>
        NonspacingMark = 4,
        /// <summary>Has a canonical decomposition.</summary>
        Decomposable = 8,
        /// <summary>Rust <c>char::is_whitespace</c> (the Unicode White_Space property).</summary>
        Whitespace = 16,
        /// <summary>In the CJK ranges that HF tokenizers surrounds with spaces.</summary>
        Chinese = 32,
        /// <summary>Non-zero canonical combining class: reordered by NFD.</summary>
        Combining = 64,
    }

    private const int BlockBits = 8;
    private const int BlockSize = 1 << BlockBits;
    private const int HangulBase = 0xAC00, HangulCount = 11172, LeadBase = 0x1100, VowelBase = 0x1161, TrailBase = 0x11A7;
    private const int VowelCount = 21, TrailCount = 28;

    private static readonly ushort[] BlockIndex;
    private static readonly byte[] Blocks;

    static UnicodeTables()
    {
        var flat = new byte[0x110000];
        Mark(flat, OtherRanges, CharFlags.Other);
        Mark(flat, PunctuationRanges, CharFlags.Punctuation);
        Mark(flat, NonspacingMarkRanges, CharFlags.NonspacingMark);
        foreach (int cp in DecompositionKeys)
        {
            flat[cp] |= (byte)CharFlags.Decomposable;
        }
        for (int cp = HangulBase; cp < HangulBase + HangulCount; cp++)
        {
            flat[cp] |= (byte)CharFlags.Decomposable;
        }
        // Rust's is_ascii_punctuation: every ASCII symbol, not only the P* ones.
        for (int cp = 0x21; cp < 0x7F; cp++)
        {
            if (!char.IsAsciiLetterOrDigit((char)cp))
            {
                flat[cp] |= (byte)CharFlags.Punctuation;
            }
        }
        ReadOnlySpan<int> whitespace = [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
            0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000];
        foreach (int cp in whitespace)
        {
            flat[cp] |= (byte)CharFlags.Whitespace;
        }
        ReadOnlySpan<int> chinese = [0x4E00, 0x9FFF, 0x3400, 0x4DBF, 0x20000, 0x2A6DF, 0x2A700, 0x2B73F, 0x2B740, 0x2B81F,
            0x2B920, 0x2CEAF, 0xF900, 0xFAFF, 0x2F800, 0x2FA1F];
        Mark(flat, chinese, CharFlags.Chinese);
        ReadOnlySpan<int> combining = CombiningClassRanges;
        for (int i = 0; i < combining.Length; i += 3)
        {
            for (int cp = combining[i]; cp <= combining[i + 1]; cp++)
            {
                flat[cp] |= (byte)CharFlags.Combining;
            }
        }

        // Deduplicate 256-code-point blocks: most of the code space shares a handful of blocks.
        var index = new ushort[0x110000 >> BlockBits];
        var blocks = new List<byte>();
        var seen = new Dictionary<string, ushort>();
        for (int b = 0; b < index.Length; b++)
        {
            var block = new ReadOnlySpan<byte>(flat, b << BlockBits, BlockSize);
            string key = Convert.ToBase64String(block);
            if (!seen.TryGetValue(key, out ushort slot))
            {
                slot = (ushort)(blocks.Count >> BlockBits);
                blocks.AddRange(block);
                seen.Add(key, slot);
            }
            index[b] = slot;
        }
        BlockIndex = index;
        Blocks = [.. blocks];
    }

    private static void Mark(byte[] flat, ReadOnlySpan<int> ranges, CharFlags flag)
    {
        for (int i = 0; i < ranges.Length; i += 2)
        {
            for (int cp = ranges[i]; cp <= ranges[i + 1]; cp++)
            {
                flat[cp] |= (byte)flag;
            }
        }
    }

    /// <summary>The property bits of a code point (0 to 0x10FFFF).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static CharFlags GetFlags(int codePoint) =>
        (CharFlags)Blocks[(BlockIndex[codePoint >> BlockBits] << BlockBits) | (codePoint & (BlockSize - 1))];

    /// <summary>The canonical combining class of a code point (0 for starters).</summary>
    internal static int GetCombiningClass(int codePoint)
    {
        if ((GetFlags(codePoint) & CharFlags.Combining) == 0)
        {
            return 0;
        }
        ReadOnlySpan<int> ranges = CombiningClassRanges;
        int low = 0, high = ranges.Length / 3 - 1;
        while (low <= high)
        {
            int mid = (low + high) >> 1;
            if (codePoint < ranges[mid * 3])
            {
                high = mid - 1;
            }
            else if (codePoint > ranges[mid * 3 + 1])
            {
                low = mid + 1;
            }
            else
            {
                return ranges[mid * 3 + 2];
            }
        }
        return 0;
    }

    /// <summary>Maximum length of a full canonical decomposition (Hangul needs 3, the data at most 4).</summary>
    internal const int MaxDecompositionLength = 8;

    /// <summary>
    /// Writes the full canonical decomposition (NFD) of one code point into <paramref name="destination"/>
    /// and returns its length; a code point without one is written as itself.
    /// </summary>
    internal static int Decompose(int codePoint, Span<int> destination)
    {
        if ((GetFlags(codePoint) & CharFlags.Decomposable) == 0)
        {
            destination[0] = codePoint;
            return 1;
        }
        int s = codePoint - HangulBase;
        if ((uint)s < HangulCount)
        {
            destination[0] = LeadBase + s / (VowelCount * TrailCount);
            destination[1] = VowelBase + s % (VowelCount * TrailCount) / TrailCount;
            int trail = s % TrailCount;
            if (trail == 0)
            {
                return 2;
            }
            destination[2] = TrailBase + trail;
            return 3;
        }
        int found = DecompositionKeys.BinarySearch(codePoint);
        ReadOnlySpan<int> starts = DecompositionStarts;
        ReadOnlySpan<int> data = DecompositionData[starts[found]..starts[found + 1]];
        data.CopyTo(destination);
        return data.Length;
    }
}
