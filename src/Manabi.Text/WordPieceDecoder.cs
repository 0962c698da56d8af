using System.Text;

namespace Manabi.Text;

/// <summary>
/// HF's WordPiece decoder: joins tokens with spaces, gluing continuation pieces (their prefix removed),
/// then, with <see cref="Cleanup"/>, removes the spaces tokenization put before punctuation and contractions.
/// </summary>
/// <param name="Prefix">The continuation prefix, e.g. <c>##</c>.</param>
/// <param name="Cleanup">Whether to undo tokenization artefacts such as " ." and " n't".</param>
public sealed record WordPieceDecoder(string Prefix = "##", bool Cleanup = true)
{
    /// <summary>Decodes tokens to text.</summary>
    public string Decode(IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var builder = new StringBuilder();
        for (int i = 0; i < tokens.Count; i++)
        {
            string token = tokens[i];
            if (i != 0)
            {
                token = Prefix.Length > 0 && token.StartsWith(Prefix, StringComparison.Ordinal) ? token[Prefix.Length..] : " " + token;
            }
            if (Cleanup)
            {
                token = CleanupArtifacts(token);
            }
            builder.Append(token);
        }
        return builder.ToString();
    }

    private static string CleanupArtifacts(string text) => text
        .Replace(" .", ".", StringComparison.Ordinal)
        .Replace(" ?", "?", StringComparison.Ordinal)
        .Replace(" !", "!", StringComparison.Ordinal)
        .Replace(" ,", ",", StringComparison.Ordinal)
        .Replace(" ' ", "'", StringComparison.Ordinal)
        .Replace(" n't", "n't", StringComparison.Ordinal)
        .Replace(" 'm", "'m", StringComparison.Ordinal)
        .Replace(" do not", " don't", StringComparison.Ordinal)
        .Replace(" 's", "'s", StringComparison.Ordinal)
        .Replace(" 've", "'ve", StringComparison.Ordinal)
        .Replace(" 're", "'re", StringComparison.Ordinal);
}
