namespace Manabi.Text;

/// <summary>HF's BERT post-processor: <c>[CLS] A [SEP]</c> and <c>[CLS] A [SEP] B [SEP]</c>, type ids 0 then 1.</summary>
/// <param name="Cls">The classification token.</param>
/// <param name="ClsId">Its id.</param>
/// <param name="Sep">The separator token.</param>
/// <param name="SepId">Its id.</param>
public sealed record BertPostProcessor(string Cls, int ClsId, string Sep, int SepId) : IPostProcessor, IEncodingsProcessor
{
    /// <summary>How many tokens it adds to a single text or to a pair.</summary>
    public int AddedTokens(bool isPair) => isPair ? 3 : 2;

    /// <inheritdoc/>
    public TokenEncoding Process(TokenEncoding first, TokenEncoding? second, bool addSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(first);
        return PostProcessing.Process(this, first, second, addSpecialTokens);
    }

    List<TokenEncoding> IEncodingsProcessor.ProcessEncodings(List<TokenEncoding> encodings, bool addSpecialTokens)
    {
        if (!addSpecialTokens)
        {
            return encodings;
        }
        var result = new List<TokenEncoding>(encodings.Count);
        for (int i = 0; i < encodings.Count; i++)
        {
            result.Add(Wrap(encodings[i], i == 0));
        }
        return result;
    }

    private TokenEncoding Wrap(TokenEncoding encoding, bool first)
    {
        var windows = encoding.TakeOverflowing().Select(o => Wrap(o, first, null)).ToList();
        return Wrap(encoding, first, windows);
    }

    private TokenEncoding Wrap(TokenEncoding encoding, bool first, List<TokenEncoding>? windows) => first
        ? PostProcessing.Wrap(encoding, [(ClsId, Cls)], 0, [(SepId, Sep)], 0, null, 0, windows)
        : PostProcessing.Wrap(encoding, [], 1, [(SepId, Sep)], 1, null, 1, windows);
}
