using System.Runtime.InteropServices;
using Manabi.Text.Unicode;

namespace Manabi.Text;

/// <summary>HF's NFKC normalizer: compatibility decomposition then composition (Unicode 9.0 data, HF's alignments).</summary>
public sealed class NfkcNormalizer : ITextNormalizer
{
    /// <summary>The shared instance (the normalizer has no settings).</summary>
    public static NfkcNormalizer Instance { get; } = new();

    /// <inheritdoc/>
    public void Normalize(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        UnicodeForms.Apply(text, compose: true, compatible: true);
    }
}
