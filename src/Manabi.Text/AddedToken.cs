namespace Manabi.Text;

/// <summary>
/// A token matched in the raw text before normalization (HF's added vocabulary), such as <c>[CLS]</c>.
/// Special ones are dropped by <c>Decode(skipSpecialTokens: true)</c>.
/// </summary>
/// <param name="Content">The literal text.</param>
/// <param name="Id">Its id.</param>
/// <param name="Special">Whether it is a special token.</param>
public sealed record AddedToken(string Content, int Id, bool Special = true);
