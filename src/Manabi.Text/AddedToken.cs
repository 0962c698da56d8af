namespace Manabi.Text;

/// <summary>
/// A token of the added vocabulary (HF's <c>AddedToken</c>), such as <c>[CLS]</c>: matched in the text before the model
/// runs. Special ones are dropped by <c>Decode(skipSpecialTokens: true)</c>.
/// </summary>
/// <param name="Content">The literal text.</param>
/// <param name="Id">Its id.</param>
/// <param name="Special">Whether it is a special token.</param>
public sealed record AddedToken(string Content, int Id, bool Special = true)
{
    /// <summary>Matched only as a whole word (no word character right before or after it).</summary>
    public bool SingleWord { get; init; }

    /// <summary>Also takes the whitespace on its left.</summary>
    public bool LStrip { get; init; }

    /// <summary>Also takes the whitespace on its right.</summary>
    public bool RStrip { get; init; }

    /// <summary>Matched in the normalized text (true) or in the raw text (false); HF's default is <c>!Special</c>.</summary>
    public bool Normalized { get; init; } = !Special;
}
