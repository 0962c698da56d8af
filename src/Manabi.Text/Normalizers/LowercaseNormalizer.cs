using Manabi.Text.Unicode;

namespace Manabi.Text;

/// <summary>HF's Lowercase normalizer: Rust's full lowercase mapping, character by character.</summary>
public sealed class LowercaseNormalizer : ITextNormalizer
{
    /// <summary>The shared instance (the normalizer has no settings).</summary>
    public static LowercaseNormalizer Instance { get; } = new();

    /// <inheritdoc/>
    public void Normalize(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (NormalizerScan.MayChangeCase(text))
        {
            text.Lowercase();
        }
    }
}
