using System.Text;

namespace Manabi.Text;

/// <summary>
/// HF's Metaspace pre-tokenizer (SentencePiece style): spaces become the replacement character (▁), which is
/// prepended as <see cref="PrependScheme"/> says; with <see cref="Split"/>, each replacement starts a new piece.
/// </summary>
public sealed class MetaspacePreTokenizer : IPreTokenizer
{
    private readonly ISplitPattern _space = CharPredicatePattern.Char(' ');
    private readonly ISplitPattern _replacement;
    private readonly int _replacementCodePoint;

    /// <summary>Creates the pre-tokenizer.</summary>
    /// <param name="replacement">The character standing for a space (one code point), ▁ by default.</param>
    /// <param name="prependScheme">When the replacement is put in front of a piece.</param>
    /// <param name="split">Whether to split before each replacement character.</param>
    public MetaspacePreTokenizer(string replacement = "\u2581", MetaspacePrependScheme prependScheme = MetaspacePrependScheme.Always, bool split = true)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        if (replacement.EnumerateRunes().Count() != 1)
        {
            throw new ArgumentException($"the replacement must be a single character, got \"{replacement}\"", nameof(replacement));
        }
        Replacement = replacement;
        PrependScheme = prependScheme;
        Split = split;
        _replacementCodePoint = Rune.GetRuneAt(replacement, 0).Value;
        _replacement = CharPredicatePattern.Char(_replacementCodePoint);
    }

    /// <summary>The character standing for a space.</summary>
    public string Replacement { get; }

    /// <summary>When the replacement is prepended.</summary>
    public MetaspacePrependScheme PrependScheme { get; }

    /// <summary>Whether each replacement starts a new piece.</summary>
    public bool Split { get; }

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Split((_, piece, output) =>
        {
            piece.Replace(_space, Replacement);
            bool startsWithReplacement = piece.NormalizedSpan.StartsWith(Replacement.AsSpan(), StringComparison.Ordinal);
            bool prepend = PrependScheme switch
            {
                MetaspacePrependScheme.Always => !startsWithReplacement,
                MetaspacePrependScheme.First => !startsWithReplacement && piece.OriginalOffsets.Start == 0,
                _ => false,
            };
            if (prepend)
            {
                piece.Prepend(Replacement);
            }
            if (Split)
            {
                piece.Split(_replacement, SplitDelimiterBehavior.MergedWithNext, output);
            }
            else
            {
                output.Add(piece);
            }
        });
    }
}
