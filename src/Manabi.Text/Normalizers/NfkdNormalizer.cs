using System.Runtime.InteropServices;
using Manabi.Text.Unicode;

namespace Manabi.Text;

/// <summary>HF's NFKD normalizer: compatibility decomposition (Unicode 9.0 data, HF's alignments).</summary>
public sealed class NfkdNormalizer : ITextNormalizer
{
    /// <summary>The shared instance (the normalizer has no settings).</summary>
    public static NfkdNormalizer Instance { get; } = new();

    /// <inheritdoc/>
    public void Normalize(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        UnicodeForms.Apply(text, compose: false, compatible: true);
    }
}
