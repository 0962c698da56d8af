using Manabi.Text.Unicode;

namespace Manabi.Text;

/// <summary>HF's Digits pre-tokenizer: separates numeric characters (Rust's <c>is_numeric</c>) from the rest, one by one or in runs.</summary>
public sealed class DigitsPreTokenizer : IPreTokenizer
{
    private static readonly ISplitPattern Numeric = new CharPredicatePattern(CharClasses.IsNumeric);

    /// <summary>Creates the pre-tokenizer.</summary>
    /// <param name="individualDigits">Whether each digit is its own piece (otherwise runs of digits stay together).</param>
    public DigitsPreTokenizer(bool individualDigits = false) => IndividualDigits = individualDigits;

    /// <summary>Whether each digit is its own piece.</summary>
    public bool IndividualDigits { get; }

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var behavior = IndividualDigits ? SplitDelimiterBehavior.Isolated : SplitDelimiterBehavior.Contiguous;
        text.Split((_, piece, output) => piece.Split(Numeric, behavior, output));
    }
}
