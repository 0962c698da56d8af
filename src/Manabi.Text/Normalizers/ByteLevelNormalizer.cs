using Manabi.Text.Unicode;

namespace Manabi.Text;

/// <summary>
/// HF's ByteLevel normalizer: rewrites the text as GPT-2's byte alphabet (each UTF-8 byte a visible character),
/// every byte aligned to the character it came from.
/// </summary>
public sealed class ByteLevelNormalizer : ITextNormalizer
{
    /// <summary>The shared instance (the normalizer has no settings).</summary>
    public static ByteLevelNormalizer Instance { get; } = new();

    /// <inheritdoc/>
    public void Normalize(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.IsEmpty)
        {
            ByteLevelMapping.Apply(text);
        }
    }
}
