using Manabi.Text.Unicode;

namespace Manabi.Text;

/// <summary>HF's Strip normalizer: removes leading and/or trailing whitespace (Unicode White_Space).</summary>
public sealed class StripNormalizer : ITextNormalizer
{
    /// <summary>Creates the normalizer.</summary>
    public StripNormalizer(bool stripLeft = true, bool stripRight = true)
    {
        StripLeft = stripLeft;
        StripRight = stripRight;
    }

    /// <summary>Whether leading whitespace is removed.</summary>
    public bool StripLeft { get; }

    /// <summary>Whether trailing whitespace is removed.</summary>
    public bool StripRight { get; }

    /// <inheritdoc/>
    public void Normalize(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (StripLeft && StripRight)
        {
            text.Strip();
            return;
        }
        if (StripLeft)
        {
            text.LStrip();
        }
        if (StripRight)
        {
            text.RStrip();
        }
    }
}
