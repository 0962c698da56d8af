using Manabi.Text.Unicode;

namespace Manabi.Text;

/// <summary>HF's CharDelimiterSplit pre-tokenizer: splits at one character, which is dropped.</summary>
public sealed class CharDelimiterSplitPreTokenizer : IPreTokenizer
{
    private readonly ISplitPattern _delimiter;

    /// <summary>Creates the pre-tokenizer.</summary>
    /// <param name="delimiter">The delimiter (one code point).</param>
    public CharDelimiterSplitPreTokenizer(string delimiter)
    {
        ArgumentNullException.ThrowIfNull(delimiter);
        if (delimiter.EnumerateRunes().Count() != 1)
        {
            throw new ArgumentException($"the delimiter must be a single character, got \"{delimiter}\"", nameof(delimiter));
        }
        Delimiter = delimiter;
        _delimiter = CharPredicatePattern.Char(System.Text.Rune.GetRuneAt(delimiter, 0).Value);
    }

    /// <summary>The delimiter.</summary>
    public string Delimiter { get; }

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Split((_, piece, output) => piece.Split(_delimiter, SplitDelimiterBehavior.Removed, output));
    }
}
