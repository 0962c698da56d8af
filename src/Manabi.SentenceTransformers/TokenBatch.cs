using static TorchSharp.torch;

namespace Manabi.SentenceTransformers;

/// <summary>A padded batch of token ids, as the model consumes it; the caller disposes it.</summary>
/// <param name="InputIds"><c>[batch, tokens]</c> int64 ids, padded on the right.</param>
/// <param name="AttentionMask"><c>[batch, tokens]</c> int64, 1 for real tokens and 0 for padding.</param>
/// <param name="Truncated">How many of the texts were cut to the maximum sequence length.</param>
public sealed record TokenBatch(Tensor InputIds, Tensor AttentionMask, int Truncated) : IDisposable
{
    /// <summary>Disposes both tensors.</summary>
    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
    }
}
