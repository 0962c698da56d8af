namespace Manabi.Text;

/// <summary>HF's post-processor <c>Sequence</c>: runs several post-processors one after the other.</summary>
public sealed class SequencePostProcessor : IPostProcessor, IEncodingsProcessor
{
    /// <summary>Chains <paramref name="processors"/> in order.</summary>
    public SequencePostProcessor(IEnumerable<IPostProcessor> processors)
    {
        ArgumentNullException.ThrowIfNull(processors);
        Processors = [.. processors];
    }

    /// <summary>The chained processors.</summary>
    public IReadOnlyList<IPostProcessor> Processors { get; }

    /// <inheritdoc/>
    public int AddedTokens(bool isPair) => Processors.Sum(p => p.AddedTokens(isPair));

    /// <inheritdoc/>
    public TokenEncoding Process(TokenEncoding first, TokenEncoding? second, bool addSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(first);
        return PostProcessing.Process(this, first, second, addSpecialTokens);
    }

    List<TokenEncoding> IEncodingsProcessor.ProcessEncodings(List<TokenEncoding> encodings, bool addSpecialTokens)
    {
        foreach (var processor in Processors)
        {
            encodings = PostProcessing.ProcessEncodings(processor, encodings, addSpecialTokens);
        }
        return encodings;
    }
}
