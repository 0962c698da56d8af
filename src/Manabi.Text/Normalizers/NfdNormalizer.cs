using System.Runtime.InteropServices;
using Manabi.Text.Unicode;

namespace Manabi.Text;

/// <summary>
/// HF's NFD normalizer: canonical decomposition with the Unicode 9.0 data HF tokenizers uses
/// (unicode-normalization-alignments), each output character aligned as HF aligns it.
/// </summary>
public sealed class NfdNormalizer : ITextNormalizer
{
    /// <summary>The shared instance (the normalizer has no settings).</summary>
    public static NfdNormalizer Instance { get; } = new();

    /// <inheritdoc/>
    public void Normalize(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        UnicodeForms.Apply(text, compose: false, compatible: false);
    }
}
