using Manabi.Text.Unicode;

namespace Manabi.Text;

/// <summary>HF's Punctuation pre-tokenizer: splits at punctuation (ASCII symbols and Unicode P*), kept as <see cref="Behavior"/> says.</summary>
public sealed class PunctuationPreTokenizer : IPreTokenizer
{
    private static readonly ISplitPattern Punctuation = new CharPredicatePattern(BertPreTokenizer.IsPunctuation);

    /// <summary>Creates the pre-tokenizer (HF's default: each punctuation character isolated).</summary>
    public PunctuationPreTokenizer(SplitDelimiterBehavior behavior = SplitDelimiterBehavior.Isolated)
    {
        if (!Enum.IsDefined(behavior))
        {
            throw new ArgumentOutOfRangeException(nameof(behavior), behavior, "unknown split behavior");
        }
        Behavior = behavior;
    }

    /// <summary>What becomes of the punctuation.</summary>
    public SplitDelimiterBehavior Behavior { get; }

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Split((_, piece, output) => piece.Split(Punctuation, Behavior, output));
    }
}
