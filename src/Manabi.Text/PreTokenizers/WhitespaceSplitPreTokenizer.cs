using Manabi.Text.Unicode;

namespace Manabi.Text;

/// <summary>HF's WhitespaceSplit pre-tokenizer: splits on whitespace (Unicode White_Space), which is dropped.</summary>
public sealed class WhitespaceSplitPreTokenizer : IPreTokenizer
{
    private static readonly ISplitPattern Spaces = new CharPredicatePattern(NormalizedText.IsWhitespace);

    /// <summary>The shared instance (the pre-tokenizer has no settings).</summary>
    public static WhitespaceSplitPreTokenizer Instance { get; } = new();

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Split((_, piece, output) => piece.Split(Spaces, SplitDelimiterBehavior.Removed, output));
    }
}
