namespace Manabi.Text;

/// <summary>
/// HF's CTC decoder: merges runs of equal tokens, removes the pad token and, with <see cref="Cleanup"/>, undoes
/// WordPiece-style spacing artefacts and turns the word delimiter into a space; empty results are dropped.
/// </summary>
public sealed class CtcDecoder : ITokenDecoder
{
    /// <summary>Creates the decoder (HF's defaults: <c>&lt;pad&gt;</c>, <c>|</c>, cleanup).</summary>
    public CtcDecoder(string padToken = "<pad>", string wordDelimiterToken = "|", bool cleanup = true)
    {
        ArgumentNullException.ThrowIfNull(padToken);
        ArgumentNullException.ThrowIfNull(wordDelimiterToken);
        PadToken = padToken;
        WordDelimiterToken = wordDelimiterToken;
        Cleanup = cleanup;
    }

    /// <summary>The blank token, removed.</summary>
    public string PadToken { get; }

    /// <summary>The token that separates words.</summary>
    public string WordDelimiterToken { get; }

    /// <summary>Whether to clean up spacing and map the delimiter to a space.</summary>
    public bool Cleanup { get; }

    /// <inheritdoc/>
    public void DecodeChain(List<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var output = new List<string>(tokens.Count);
        for (int i = 0; i < tokens.Count; i++)
        {
            if (i > 0 && tokens[i] == tokens[i - 1])
            {
                continue;
            }
            string replaced = RustText.Replace(tokens[i], PadToken, "");
            if (Cleanup)
            {
                replaced = RustText.Replace(WordPieceDecoder.CleanupArtifacts(replaced), WordDelimiterToken, " ");
            }
            if (replaced.Length > 0)
            {
                output.Add(replaced);
            }
        }
        tokens.Clear();
        tokens.AddRange(output);
    }
}
