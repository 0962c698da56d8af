namespace Manabi.Text;

/// <summary>
/// HF's Split pre-tokenizer: splits at the matches of a string or (Oniguruma-syntax) regex pattern, keeping or
/// dropping the delimiters as <see cref="Behavior"/> says; <see cref="Invert"/> swaps matches and the text between.
/// </summary>
public sealed class SplitPreTokenizer : IPreTokenizer
{
    private readonly ISplitPattern _pattern;

    /// <summary>Creates the pre-tokenizer.</summary>
    /// <param name="pattern">The string to split at, or a regex when <paramref name="isRegex"/>.</param>
    /// <param name="behavior">What becomes of the delimiters.</param>
    /// <param name="invert">Whether the matches are the pieces and the text between them the delimiters.</param>
    /// <param name="isRegex">Whether <paramref name="pattern"/> is a regex.</param>
    public SplitPreTokenizer(string pattern, SplitDelimiterBehavior behavior, bool invert = false, bool isRegex = false)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (!Enum.IsDefined(behavior))
        {
            throw new ArgumentOutOfRangeException(nameof(behavior), behavior, "unknown split behavior");
        }
        Pattern = pattern;
        Behavior = behavior;
        Invert = invert;
        IsRegex = isRegex;
        ISplitPattern inner = isRegex ? ComponentPatterns.Regex(pattern) : ComponentPatterns.Literal(pattern);
        _pattern = invert ? new InvertedPattern(inner) : inner;
    }

    /// <summary>The pattern.</summary>
    public string Pattern { get; }

    /// <summary>What becomes of the delimiters.</summary>
    public SplitDelimiterBehavior Behavior { get; }

    /// <summary>Whether matches and non-matches swap roles.</summary>
    public bool Invert { get; }

    /// <summary>Whether <see cref="Pattern"/> is a regex.</summary>
    public bool IsRegex { get; }

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Split((_, piece, output) => piece.Split(_pattern, Behavior, output));
    }
}
