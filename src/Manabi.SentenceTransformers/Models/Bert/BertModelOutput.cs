using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Models.Bert;

/// <summary>What <see cref="BertModel.Forward"/> returns; the caller owns (and disposes) the tensors.</summary>
/// <param name="LastHiddenState">The final hidden states, <c>[batch, tokens, hidden]</c>.</param>
/// <param name="PoolerOutput">tanh(dense(first token)), <c>[batch, hidden]</c>, when asked for and the model has a pooler.</param>
/// <param name="Attentions">Each layer's attention weights <c>[batch, heads, tokens, tokens]</c>, when asked for.</param>
public sealed record BertModelOutput(Tensor LastHiddenState, Tensor? PoolerOutput, IReadOnlyList<Tensor>? Attentions) : IDisposable
{
    /// <summary>Disposes every tensor of the output.</summary>
    public void Dispose()
    {
        LastHiddenState.Dispose();
        PoolerOutput?.Dispose();
        foreach (var weights in Attentions ?? [])
        {
            weights.Dispose();
        }
    }
}
