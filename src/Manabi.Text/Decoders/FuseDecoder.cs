namespace Manabi.Text;

/// <summary>HF's Fuse decoder: concatenates all tokens into one.</summary>
public sealed class FuseDecoder : ITokenDecoder
{
    /// <summary>The shared instance (the decoder has no settings).</summary>
    public static FuseDecoder Instance { get; } = new();

    /// <inheritdoc/>
    public void DecodeChain(List<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        string fused = string.Concat(tokens);
        tokens.Clear();
        tokens.Add(fused);
    }
}
