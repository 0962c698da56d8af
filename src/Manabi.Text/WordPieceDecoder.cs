using System.Text;

namespace Manabi.Text;

/// <summary>
/// HF's WordPiece decoder: joins tokens with spaces, gluing continuation pieces (their prefix removed),
/// then, with <see cref="Cleanup"/>, removes the spaces tokenization put before punctuation and contractions.
/// </summary>
/// <param name="Prefix">The continuation prefix, e.g. <c>##</c>.</param>
/// <param name="Cleanup">Whether to undo tokenization artefacts such as " ." and " n't".</param>
public sealed record WordPieceDecoder(string Prefix = "##", bool Cleanup = true) : ITokenDecoder
{
    /// <inheritdoc/>
    public void DecodeChain(List<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        for (int i = 0; i < tokens.Count; i++)
        {
            tokens[i] = DecodeToken(tokens[i], i);
        }
    }

    private string DecodeToken(string token, int index)
    {
        if (index != 0)
        {
            // An empty prefix glues every token, as Rust's strip_prefix("") succeeds.
            token = token.StartsWith(Prefix, StringComparison.Ordinal) ? token[Prefix.Length..] : " " + token;
        }
        return Cleanup ? CleanupArtifacts(token) : token;
    }

    /// <summary>Decodes tokens to text.</summary>
    public string Decode(IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var builder = new StringBuilder();
        for (int i = 0; i < tokens.Count; i++)
        {
            builder.Append(DecodeToken(tokens[i], i));
        }
        return builder.ToString();
    }

    internal static string CleanupArtifacts(string text) => text
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
