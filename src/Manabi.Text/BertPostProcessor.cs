namespace Manabi.Text;

/// <summary>HF's BERT post-processor: <c>[CLS] A [SEP]</c> and <c>[CLS] A [SEP] B [SEP]</c>, type ids 0 then 1.</summary>
/// <param name="Cls">The classification token.</param>
/// <param name="ClsId">Its id.</param>
/// <param name="Sep">The separator token.</param>
/// <param name="SepId">Its id.</param>
public sealed record BertPostProcessor(string Cls, int ClsId, string Sep, int SepId)
{
    /// <summary>How many tokens it adds to a single text or to a pair.</summary>
    public int AddedTokens(bool isPair) => isPair ? 3 : 2;
}
