namespace Manabi.Text.Unicode;

/// <summary>
/// Character classes of HF's Rust dependencies that .NET does not expose: the regex crate's Unicode \w and \s
/// and std's <c>char::is_numeric</c>, one byte of flags per code point, built on first use.
/// </summary>
internal static partial class CharClasses
{
    private const byte Word = 1, Space = 2, Numeric = 4;
    private static readonly byte[] Flat = Build();

    private static byte[] Build()
    {
        var flat = new byte[0x110000];
        Mark(flat, WordRanges, Word);
        Mark(flat, SpaceRanges, Space);
        Mark(flat, NumericRanges, Numeric);
        return flat;
    }

    private static void Mark(byte[] flat, ReadOnlySpan<int> ranges, byte flag)
    {
        for (int i = 0; i < ranges.Length; i += 2)
        {
            for (int cp = ranges[i]; cp <= ranges[i + 1]; cp++)
            {
                flat[cp] |= flag;
            }
        }
    }

    /// <summary>Regex \w (Unicode): alphabetic, marks, decimal digits, connector punctuation, joiners.</summary>
    internal static bool IsWord(int codePoint) => (uint)codePoint < 0x110000 && (Flat[codePoint] & Word) != 0;

    /// <summary>Regex \s (Unicode White_Space).</summary>
    internal static bool IsSpace(int codePoint) => (uint)codePoint < 0x110000 && (Flat[codePoint] & Space) != 0;

    /// <summary>Rust's <c>char::is_numeric</c> (Nd, Nl, No).</summary>
    internal static bool IsNumeric(int codePoint) => (uint)codePoint < 0x110000 && (Flat[codePoint] & Numeric) != 0;
}
