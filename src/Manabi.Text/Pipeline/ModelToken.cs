namespace Manabi.Text;

/// <summary>
/// One token a model produced for a piece (HF's <c>Token</c>). <paramref name="Start"/> and <paramref name="End"/> are
/// UTF-16 offsets within the piece given to <see cref="ITokenizationModel.Tokenize"/>. A token that covers part of a
/// character (a byte-level token inside a multi-byte character) reports the whole character: round outward to
/// UTF-16 boundaries, as HF's byte offsets end up covering the whole character once aligned to the original.
/// </summary>
/// <param name="Id">The token id.</param>
/// <param name="Value">The token string as the vocabulary spells it.</param>
/// <param name="Start">Start within the piece, in UTF-16 code units.</param>
/// <param name="End">End (exclusive) within the piece, in UTF-16 code units.</param>
public readonly record struct ModelToken(int Id, string Value, int Start, int End);
