using Manabi.Text.Unicode;

namespace Manabi.Text;

/// <summary>HF's Prepend normalizer: puts a string before any non-empty text (SentencePiece's ▁ prefix).</summary>
public sealed class PrependNormalizer : ITextNormalizer
{
    /// <summary>Creates the normalizer.</summary>
    public PrependNormalizer(string prepend)
    {
        ArgumentNullException.ThrowIfNull(prepend);
        Prepend = prepend;
    }

    /// <summary>The string put in front.</summary>
    public string Prepend { get; }

    /// <inheritdoc/>
    public void Normalize(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.IsEmpty)
        {
            text.Prepend(Prepend);
        }
    }
}
