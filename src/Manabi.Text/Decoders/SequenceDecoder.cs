namespace Manabi.Text;

/// <summary>HF's Sequence decoder: applies its decoders in order, each to the previous one's output.</summary>
public sealed class SequenceDecoder : ITokenDecoder
{
    /// <summary>Creates the sequence.</summary>
    public SequenceDecoder(IEnumerable<ITokenDecoder> decoders)
    {
        ArgumentNullException.ThrowIfNull(decoders);
        Decoders = [.. decoders];
        foreach (ITokenDecoder decoder in Decoders)
        {
            ArgumentNullException.ThrowIfNull(decoder, nameof(decoders));
        }
    }

    /// <summary>The decoders, in order.</summary>
    public IReadOnlyList<ITokenDecoder> Decoders { get; }

    /// <inheritdoc/>
    public void DecodeChain(List<string> tokens)
    {
        foreach (ITokenDecoder decoder in Decoders)
        {
            decoder.DecodeChain(tokens);
        }
    }
}
