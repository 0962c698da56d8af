namespace Manabi.Text;

/// <summary>
/// HF's BPEDecoder: replaces the end-of-word suffix with a space in every token but the last, where it is removed.
/// </summary>
public sealed class BpeDecoder : ITokenDecoder
{
    /// <summary>Creates the decoder.</summary>
    /// <param name="suffix">The end-of-word suffix the model appends, <c>&lt;/w&gt;</c> by default.</param>
    public BpeDecoder(string suffix = "</w>")
    {
        ArgumentNullException.ThrowIfNull(suffix);
        Suffix = suffix;
    }

    /// <summary>The end-of-word suffix.</summary>
    public string Suffix { get; }

    /// <inheritdoc/>
    public void DecodeChain(List<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        for (int i = 0; i < tokens.Count; i++)
        {
            tokens[i] = RustText.Replace(tokens[i], Suffix, i == tokens.Count - 1 ? "" : " ");
        }
    }
}
