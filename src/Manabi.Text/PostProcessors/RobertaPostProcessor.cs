namespace Manabi.Text;

/// <summary>
/// HF's <c>RobertaProcessing</c>: <c>&lt;s&gt; A &lt;/s&gt;</c> and <c>&lt;s&gt; A &lt;/s&gt;&lt;/s&gt; B &lt;/s&gt;</c>,
/// every type id 0, and with <see cref="TrimOffsets"/> the byte-level spaces trimmed from the offsets.
/// </summary>
public sealed class RobertaPostProcessor : IPostProcessor, IEncodingsProcessor
{
    /// <summary>Creates the processor (HF's defaults: <c>&lt;/s&gt;</c> 2, <c>&lt;s&gt;</c> 0, trim offsets, prefix space).</summary>
    public RobertaPostProcessor(string sep = "</s>", int sepId = 2, string cls = "<s>", int clsId = 0, bool trimOffsets = true,
        bool addPrefixSpace = true)
    {
        ArgumentNullException.ThrowIfNull(sep);
        ArgumentNullException.ThrowIfNull(cls);
        (Sep, SepId, Cls, ClsId, TrimOffsets, AddPrefixSpace) = (sep, sepId, cls, clsId, trimOffsets, addPrefixSpace);
    }

    /// <summary>The separator token.</summary>
    public string Sep { get; }

    /// <summary>Its id.</summary>
    public int SepId { get; }

    /// <summary>The classification token.</summary>
    public string Cls { get; }

    /// <summary>Its id.</summary>
    public int ClsId { get; }

    /// <summary>Whether leading/trailing spaces (<c>Ġ</c> or whitespace) are trimmed from token offsets.</summary>
    public bool TrimOffsets { get; }

    /// <summary>Whether the first token's single leading space was added by the pre-tokenizer (then it is kept).</summary>
    public bool AddPrefixSpace { get; }

    /// <inheritdoc/>
    public int AddedTokens(bool isPair) => isPair ? 4 : 2;

    /// <inheritdoc/>
    public TokenEncoding Process(TokenEncoding first, TokenEncoding? second, bool addSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(first);
        return PostProcessing.Process(this, first, second, addSpecialTokens);
    }

    List<TokenEncoding> IEncodingsProcessor.ProcessEncodings(List<TokenEncoding> encodings, bool addSpecialTokens)
    {
        if (TrimOffsets)
        {
            foreach (var encoding in encodings)
            {
                ByteLevelPostProcessor.ProcessOffsets(encoding, AddPrefixSpace);
                foreach (var window in encoding.OverflowingList)
                {
                    ByteLevelPostProcessor.ProcessOffsets(window, AddPrefixSpace);
                }
            }
        }
        foreach (var encoding in encodings)
        {
            encoding.SetTypeIds(0);
        }
        if (!addSpecialTokens)
        {
            return encodings;
        }
        var result = new List<TokenEncoding>(encodings.Count);
        for (int i = 0; i < encodings.Count; i++)
        {
            var encoding = encodings[i];
            bool first = i == 0;
            var windows = encoding.TakeOverflowing().Select(o => Wrap(o, first, null)).ToList();
            result.Add(Wrap(encoding, first, windows));
        }
        return result;
    }

    private TokenEncoding Wrap(TokenEncoding encoding, bool first, List<TokenEncoding>? windows) => first
        ? PostProcessing.Wrap(encoding, [(ClsId, Cls)], 0, [(SepId, Sep)], 0, 0, 0, windows)
        : PostProcessing.Wrap(encoding, [(SepId, Sep)], 0, [(SepId, Sep)], 0, 0, 1, windows);
}
