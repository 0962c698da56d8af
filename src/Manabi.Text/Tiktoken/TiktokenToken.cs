namespace Manabi.Text;

/// <summary>One token of <see cref="TiktokenTokenizer.EncodeWithOffsets"/>: its id and UTF-16 span of the text.</summary>
/// <param name="Id">The token id.</param>
/// <param name="Start">UTF-16 index of the token's first character.</param>
/// <param name="End">UTF-16 index after the token's last character.</param>
public readonly record struct TiktokenToken(int Id, int Start, int End);
