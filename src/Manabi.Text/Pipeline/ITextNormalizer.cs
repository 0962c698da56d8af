namespace Manabi.Text;

/// <summary>A normalization stage (HF's <c>Normalizer</c>): edits the text in place, keeping alignments to the original.</summary>
public interface ITextNormalizer
{
    /// <summary>Normalizes <paramref name="text"/> in place through its transform methods.</summary>
    void Normalize(NormalizedText text);
}
