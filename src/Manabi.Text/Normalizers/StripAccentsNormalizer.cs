using Manabi.Text.Unicode;

namespace Manabi.Text;

/// <summary>
/// HF's StripAccents normalizer: removes combining marks (general category M in Unicode 9.0). It does not
/// decompose first: put an NFD or NFKD normalizer before it, as HF's pipelines do.
/// </summary>
public sealed class StripAccentsNormalizer : ITextNormalizer
{
    /// <summary>The shared instance (the normalizer has no settings).</summary>
    public static StripAccentsNormalizer Instance { get; } = new();

    /// <inheritdoc/>
    public void Normalize(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (NormalizerScan.Any(text, NormalizationTables.IsCombiningMark))
        {
            text.Filter(cp => !NormalizationTables.IsCombiningMark(cp));
        }
    }
}
