using static Manabi.Text.Unicode.UnicodeTables;

namespace Manabi.Text;

/// <summary>
/// HF tokenizers' BERT pre-tokenizer: split on whitespace (removed), then isolate every punctuation
/// character (ASCII symbols and Unicode P*). Offsets are UTF-16 indices into the text it is given.
/// </summary>
public sealed class BertPreTokenizer : IPreTokenizer
{
    private static readonly ISplitPattern Spaces = new CharPredicatePattern(IsWhitespace);
    private static readonly ISplitPattern Punctuation = new CharPredicatePattern(IsPunctuation);

    /// <summary>The shared instance (the pre-tokenizer has no settings).</summary>
    public static BertPreTokenizer Instance { get; } = new();

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Split((_, piece, output) => piece.Split(Spaces, SplitDelimiterBehavior.Removed, output));
        text.Split((_, piece, output) => piece.Split(Punctuation, SplitDelimiterBehavior.Isolated, output));
    }

    /// <summary>Rust's <c>char::is_whitespace</c>.</summary>
    public static bool IsWhitespace(int codePoint) =>
        (uint)codePoint <= 0x10FFFF && (GetFlags(codePoint) & CharFlags.Whitespace) != 0;

    /// <summary>BERT punctuation: any ASCII non-alphanumeric symbol or a Unicode P* category.</summary>
    public static bool IsPunctuation(int codePoint) =>
        (uint)codePoint <= 0x10FFFF && (GetFlags(codePoint) & CharFlags.Punctuation) != 0;

    /// <summary>Splits an already normalized text into words with their UTF-16 offsets.</summary>
    public static IReadOnlyList<(string Word, int Start, int End)> PreTokenize(string normalizedText)
    {
        ArgumentNullException.ThrowIfNull(normalizedText);
        var words = new List<(string, int, int)>();
        int wordStart = -1;
        int i = 0;
        while (i < normalizedText.Length)
        {
            int cp = char.IsSurrogatePair(normalizedText, i) ? char.ConvertToUtf32(normalizedText, i) : normalizedText[i];
            int length = cp > 0xFFFF ? 2 : 1;
            bool space = IsWhitespace(cp);
            bool punctuation = !space && IsPunctuation(cp);
            if (space || punctuation)
            {
                if (wordStart >= 0)
                {
                    words.Add((normalizedText[wordStart..i], wordStart, i));
                    wordStart = -1;
                }
                if (punctuation)
                {
                    words.Add((normalizedText.Substring(i, length), i, i + length));
                }
            }
            else if (wordStart < 0)
            {
                wordStart = i;
            }
            i += length;
        }
        if (wordStart >= 0)
        {
            words.Add((normalizedText[wordStart..], wordStart, normalizedText.Length));
        }
        return words;
    }
}
