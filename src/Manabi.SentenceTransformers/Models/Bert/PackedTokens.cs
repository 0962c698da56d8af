using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Models.Bert;

/// <summary>
/// Where the real tokens of a padded <c>[batch, length]</c> batch sit once packed into <c>[tokens, hidden]</c> rows
/// (<see cref="BertModel.Forward"/> with <c>skipPadding</c>): every token-wise step (linear layers, LayerNorm, GELU,
/// residuals) runs on the packed rows only, and attention scatters them back into the padded shape for its one
/// sequence-wise step.
/// </summary>
internal sealed class PackedTokens : IDisposable
{
    private PackedTokens(Tensor indices, long batch, long length)
    {
        Indices = indices;
        Batch = batch;
        Length = length;
    }

    /// <summary>The flat <c>batch × length</c> positions of the real tokens, in order (int64).</summary>
    public Tensor Indices { get; }

    public long Batch { get; }

    public long Length { get; }

    /// <summary>The layout of <paramref name="attentionMask"/> <c>[batch, length]</c> (1 for real tokens).</summary>
    public static PackedTokens Of(Tensor attentionMask)
    {
        using var flat = attentionMask.reshape(-1);
        using var real = flat.ne(0);
        using var nonzero = real.nonzero();
        return new PackedTokens(nonzero.squeeze(1), attentionMask.shape[0], attentionMask.shape[1]);
    }

    /// <summary>The real tokens' rows of padded <c>[batch, length, width]</c> states, as <c>[tokens, width]</c>.</summary>
    public Tensor Pack(Tensor padded) => padded.reshape(Batch * Length, padded.shape[^1]).index_select(0, Indices);

    /// <summary>Packed <c>[tokens, width]</c> rows back in <c>[batch, length, width]</c>, zeros at the padding.</summary>
    public Tensor Unpack(Tensor packed)
    {
        long width = packed.shape[^1];
        return zeros([Batch * Length, width], packed.dtype, packed.device).index_copy_(0, Indices, packed).view(Batch, Length, width);
    }

    public void Dispose() => Indices.Dispose();
}
