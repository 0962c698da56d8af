using Manabi.Text.Unicode;

namespace Manabi.Text;

/// <summary>HF's Sequence normalizer: applies its normalizers in order.</summary>
public sealed class SequenceNormalizer : ITextNormalizer
{
    /// <summary>Creates the sequence.</summary>
    public SequenceNormalizer(IEnumerable<ITextNormalizer> normalizers)
    {
        ArgumentNullException.ThrowIfNull(normalizers);
        Normalizers = [.. normalizers];
        foreach (ITextNormalizer normalizer in Normalizers)
        {
            ArgumentNullException.ThrowIfNull(normalizer, nameof(normalizers));
        }
    }

    /// <summary>The normalizers, in order.</summary>
    public IReadOnlyList<ITextNormalizer> Normalizers { get; }

    /// <inheritdoc/>
    public void Normalize(NormalizedText text)
    {
        foreach (ITextNormalizer normalizer in Normalizers)
        {
            normalizer.Normalize(text);
        }
    }
}
