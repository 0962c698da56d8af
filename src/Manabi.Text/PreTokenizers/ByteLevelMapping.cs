using System.Text;

namespace Manabi.Text;

/// <summary>
/// GPT-2's byte-to-character alphabet (HF's <c>bytes_char</c>): printable Latin-1 bytes map to themselves, the
/// other 68 bytes to U+0100 onwards in byte order, so any UTF-8 byte sequence becomes visible characters.
/// </summary>
internal static class ByteLevelMapping
{
    /// <summary>The character of each byte.</summary>
    internal static readonly char[] ByteToChar = BuildByteToChar();

    /// <summary>The byte of each alphabet character (indexed by char below U+0144), or -1.</summary>
    private static readonly short[] CharToByteTable = BuildCharToByte();

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        int next = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)(256 + next++);
        }
        return map;
    }

    private static short[] BuildCharToByte()
    {
        var table = new short[0x144];
        Array.Fill(table, (short)-1);
        for (int b = 0; b < 256; b++)
        {
            table[ByteToChar[b]] = (short)b;
        }
        return table;
    }

    /// <summary>The byte a character stands for, or -1 if it is not in the alphabet.</summary>
    internal static int CharToByte(int codePoint) => (uint)codePoint < (uint)CharToByteTable.Length ? CharToByteTable[codePoint] : -1;

    /// <summary>
    /// Rewrites every code point as the alphabet characters of its UTF-8 bytes: the first replaces the code point,
    /// the others are inserted after it (HF's ByteLevel transform).
    /// </summary>
    internal static void Apply(NormalizedText text)
    {
        var chars = text.NormalizedSpan;
        var changes = new List<(int CodePoint, int Change)>(chars.Length * 2);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < chars.Length;)
        {
            i += NormalizedText.CodePointAt(chars, i, out int cp);
            // A lone surrogate cannot come from Rust's &str; encode it as U+FFFD's bytes rather than fail.
            var rune = Rune.IsValid(cp) ? new Rune(cp) : Rune.ReplacementChar;
            int count = rune.EncodeToUtf8(utf8);
            for (int k = 0; k < count; k++)
            {
                changes.Add((ByteToChar[utf8[k]], k > 0 ? 1 : 0));
            }
        }
        text.Transform(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(changes));
    }
}
