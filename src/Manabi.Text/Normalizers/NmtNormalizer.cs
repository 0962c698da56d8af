using Manabi.Text.Unicode;

namespace Manabi.Text;

/// <summary>
/// HF's Nmt normalizer (SentencePiece's nmt_nfkc without the NFKC): drops most C0 controls and maps other
/// control and separator characters to a space.
/// </summary>
public sealed class NmtNormalizer : ITextNormalizer
{
    /// <summary>The shared instance (the normalizer has no settings).</summary>
    public static NmtNormalizer Instance { get; } = new();

    /// <inheritdoc/>
    public void Normalize(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Filter(cp => !(cp is >= 0x1 and <= 0x8 or 0xB or >= 0xE and <= 0x1F or 0x7F or 0x8F or 0x9F));
        text.Map(cp => cp is 0x9 or 0xA or 0xC or 0xD or 0x1680 or >= 0x200B and <= 0x200F or 0x2028 or 0x2029 or 0x2581
            or 0xFEFF or 0xFFFD ? ' ' : cp);
    }
}
