namespace Manabi.Text;

/// <summary>
/// A decoding stage (HF's <c>Decoder::decode_chain</c>): rewrites the list of token strings in place (it may merge,
/// split or drop entries); the tokenizer joins what is left into the decoded text.
/// </summary>
public interface ITokenDecoder
{
    /// <summary>Transforms <paramref name="tokens"/> in place.</summary>
    void DecodeChain(List<string> tokens);
}
