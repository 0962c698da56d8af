using System.Runtime.Intrinsics;
using System.Text;
using Manabi.Text.Unicode;
using static Manabi.Text.Unicode.UnicodeTables;

namespace Manabi.Text;

/// <summary>
/// HF tokenizers' BERT normalizer: clean_text (drop U+0000, U+FFFD and Cc/Cf/Co characters other than
/// tab, newline and carriage return; map whitespace to a space), handle_chinese_chars (a space on each side
/// of a CJK ideograph), strip_accents (NFD, then drop Mn; follows <see cref="Lowercase"/> when unset) and
/// lowercase, applied in that order. Works code point by code point with its own Unicode tables, so it
/// behaves the same under invariant globalization.
/// </summary>
public sealed class BertNormalizer : ITextNormalizer
{
    /// <summary>
    /// Normalizes <paramref name="text"/> in place with HF's steps and alignments: clean_text (filter, then map),
    /// handle_chinese_chars (spaces inserted around each ideograph), NFD then Mn removal, lowercase.
    /// </summary>
    public void Normalize(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (CleanText)
        {
            // Each edit runs only when it would change something: most text has no control characters or tabs.
            Func<int, bool> drop = cp => cp == 0 || cp == 0xFFFD
                || ((uint)cp <= 0x10FFFF && (GetFlags(cp) & CharFlags.Other) != 0 && cp is not ('\t' or '\n' or '\r'));
            if (NormalizerScan.Any(text, drop))
            {
                text.Filter(cp => !drop(cp));
            }
            Func<int, bool> toSpace = cp => cp != ' '
                && (cp is '\t' or '\n' or '\r' || ((uint)cp <= 0x10FFFF && (GetFlags(cp) & CharFlags.Whitespace) != 0));
            if (NormalizerScan.Any(text, toSpace))
            {
                text.Map(cp => toSpace(cp) ? ' ' : cp);
            }
        }
        if (HandleChineseChars)
        {
            var chars = text.NormalizedSpan;
            var changes = new List<(int CodePoint, int Change)>(chars.Length);
            bool any = false;
            for (int i = 0; i < chars.Length;)
            {
                i += NormalizedText.CodePointAt(chars, i, out int cp);
                if ((uint)cp <= 0x10FFFF && (GetFlags(cp) & CharFlags.Chinese) != 0)
                {
                    changes.Add((' ', 0));
                    changes.Add((cp, 1));
                    changes.Add((' ', 1));
                    any = true;
                }
                else
                {
                    changes.Add((cp, 0));
                }
            }
            if (any)
            {
                text.Transform(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(changes));
            }
        }
        if (StripsAccents)
        {
            NfdNormalizer.Instance.Normalize(text);
            Func<int, bool> mark = cp => (uint)cp <= 0x10FFFF && (GetFlags(cp) & CharFlags.NonspacingMark) != 0;
            if (NormalizerScan.Any(text, mark))
            {
                text.Filter(cp => !mark(cp));
            }
        }
        if (Lowercase && NormalizerScan.MayChangeCase(text))
        {
            text.Lowercase();
        }
    }

    internal const byte AsciiDrop = 0, AsciiSpace = 1, AsciiPunctuation = 2, AsciiWord = 3;

    private readonly byte[] _asciiClass = new byte[128];
    private readonly char[] _asciiMap = new char[128];
    private readonly char[] _asciiWordMap = new char[128];

    /// <summary>Marks a character that is not part of a word in <see cref="AsciiWordMap"/> (all mapped characters are ASCII).</summary>
    internal const char NotWordCharacter = '\uFFFF';

    /// <summary>Creates a normalizer with HF's defaults (uncased BERT).</summary>
    public BertNormalizer(bool cleanText = true, bool handleChineseChars = true, bool? stripAccents = null, bool lowercase = true)
    {
        CleanText = cleanText;
        HandleChineseChars = handleChineseChars;
        StripAccents = stripAccents;
        Lowercase = lowercase;
        Span<byte> wordRows = stackalloc byte[16];
        Span<byte> punctuationRows = stackalloc byte[16];
        for (int c = 0; c < 128; c++)
        {
            CharFlags flags = GetFlags(c);
            bool keptWhitespace = c is '\t' or '\n' or '\r';
            _asciiMap[c] = lowercase ? char.ToLowerInvariant((char)c) : (char)c;
            _asciiClass[c] = cleanText && (c == 0 || ((flags & CharFlags.Other) != 0 && !keptWhitespace)) ? AsciiDrop
                : (flags & CharFlags.Whitespace) != 0 ? AsciiSpace
                : (flags & CharFlags.Punctuation) != 0 ? AsciiPunctuation
                : AsciiWord;
            _asciiWordMap[c] = _asciiClass[c] == AsciiWord ? _asciiMap[c] : NotWordCharacter;
            if (_asciiClass[c] == AsciiWord)
            {
                wordRows[c & 15] |= (byte)(1 << (c >> 4));
            }
            else if (_asciiClass[c] == AsciiPunctuation)
            {
                punctuationRows[c & 15] |= (byte)(1 << (c >> 4));
            }
        }
        AsciiWordRows = Vector128.Create(wordRows);
        AsciiPunctuationRows = Vector128.Create(punctuationRows);
        // Keys never hold U+0000 (a packed key ends at its first zero byte), so a normalizer that keeps it in words
        // (no clean_text) reads words on the scalar path, which leaves such words unpacked.
        VectorWordScan = Vector128.IsHardwareAccelerated && _asciiClass[0] != AsciiWord;
    }

    /// <summary>Whether <see cref="WordScanner"/> classifies and packs ASCII words with vector instructions.</summary>
    internal bool VectorWordScan { get; }

    /// <summary>
    /// The ASCII word characters as a bit table for a 16-lane byte shuffle: entry n has bit h set when character
    /// h * 16 + n is a word character (for <see cref="WordScanner"/>'s vector path).
    /// </summary>
    internal Vector128<byte> AsciiWordRows { get; }

    /// <summary>The ASCII punctuation characters, as <see cref="AsciiWordRows"/> holds the word characters.</summary>
    internal Vector128<byte> AsciiPunctuationRows { get; }

    /// <summary>The default uncased normalizer (bert-base-uncased).</summary>
    public static BertNormalizer Uncased { get; } = new();

    /// <summary>The cased normalizer: no lowercasing and no accent stripping.</summary>
    public static BertNormalizer Cased { get; } = new(lowercase: false, stripAccents: false);

    /// <summary>Drop control characters and map whitespace to a space.</summary>
    public bool CleanText { get; }

    /// <summary>Surround CJK ideographs with spaces so that each becomes a word.</summary>
    public bool HandleChineseChars { get; }

    /// <summary>Strip accents; null means "as <see cref="Lowercase"/>".</summary>
    public bool? StripAccents { get; }

    /// <summary>Lowercase (Unicode simple lowercase mapping, plus U+0130 to "i\u0307" as Rust does).</summary>
    public bool Lowercase { get; }

    /// <summary>Whether accents are stripped once the default is resolved.</summary>
    public bool StripsAccents => StripAccents ?? Lowercase;

    /// <summary>The Unicode version of the decomposition and category tables.</summary>
    public static string UnicodeVersion => UnicodeTables.UnicodeVersion;

    internal ReadOnlySpan<byte> AsciiClass => _asciiClass;

    internal ReadOnlySpan<char> AsciiMap => _asciiMap;

    /// <summary>Per ASCII character: its normalized form if it belongs in a word, else <see cref="NotWordCharacter"/>.</summary>
    internal ReadOnlySpan<char> AsciiWordMap => _asciiWordMap;

    /// <summary>Normalizes a whole text (for inspection; encoding uses the fused code-point path).</summary>
    public string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        Span<int> output = stackalloc int[MaxOutputPerCodePoint];
        foreach (Rune rune in text.EnumerateRunes())
        {
            int cp = rune.Value;
            bool chinese = HandleChineseChars && (GetFlags(cp) & CharFlags.Chinese) != 0;
            int count = NormalizeCodePoint(cp, output);
            if (chinese)
            {
                builder.Append(' ');
            }
            for (int i = 0; i < count; i++)
            {
                builder.Append(new Rune(output[i]).ToString());
            }
            if (chinese)
            {
                builder.Append(' ');
            }
        }
        return builder.ToString();
    }

    /// <summary>Room for the normalization of one code point (a decomposition, each part lowercased).</summary>
    internal const int MaxOutputPerCodePoint = MaxDecompositionLength * 2;

    /// <summary>
    /// Normalizes one code point (everything but the spaces around CJK ideographs, which the caller adds)
    /// and returns how many code points it wrote.
    /// </summary>
    internal int NormalizeCodePoint(int codePoint, Span<int> output)
    {
        CharFlags flags = GetFlags(codePoint);
        if (CleanText)
        {
            if (codePoint == 0 || codePoint == 0xFFFD
                || ((flags & CharFlags.Other) != 0 && codePoint is not ('\t' or '\n' or '\r')))
            {
                return 0;
            }
            if ((flags & CharFlags.Whitespace) != 0)
            {
                output[0] = ' ';
                return 1;
            }
        }
        Span<int> decomposed = stackalloc int[MaxDecompositionLength];
        int parts = 1;
        decomposed[0] = codePoint;
        if (StripsAccents && (flags & CharFlags.Decomposable) != 0)
        {
            parts = Decompose(codePoint, decomposed);
        }
        int count = 0;
        for (int i = 0; i < parts; i++)
        {
            int cp = decomposed[i];
            if (StripsAccents && (GetFlags(cp) & CharFlags.NonspacingMark) != 0)
            {
                continue;
            }
            if (Lowercase)
            {
                if (cp == 0x130)
                {
                    // Rust's char::to_lowercase uses the full mapping: İ becomes i + combining dot above.
                    output[count++] = 'i';
                    output[count++] = 0x307;
                    continue;
                }
                cp = Rune.ToLowerInvariant(new Rune(cp)).Value;
            }
            output[count++] = cp;
        }
        return count;
    }
}
