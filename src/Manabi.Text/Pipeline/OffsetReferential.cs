namespace Manabi.Text;

/// <summary>Which text a range refers to: the original input or the normalized text (HF's <c>Range::Original/Normalized</c>).</summary>
public enum OffsetReferential
{
    /// <summary>UTF-16 offsets into <see cref="NormalizedText.Original"/>.</summary>
    Original,

    /// <summary>UTF-16 offsets into <see cref="NormalizedText.Normalized"/>.</summary>
    Normalized,
}
