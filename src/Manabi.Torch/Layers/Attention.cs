using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.Torch.Layers;

/// <summary>
/// Multi-head self-attention with one <c>qkv</c> projection and an output projection <c>proj</c> (timm <c>Attention</c>).
/// <see cref="forward"/> uses the fused scaled-dot-product kernel; <see cref="ForwardWithWeights"/> computes the
/// softmax explicitly and also returns the attention weights, for explanations such as attention rollout.
/// </summary>
public sealed class Attention : nn.Module<Tensor, Tensor>
{
    private readonly Linear qkv;
    private readonly Dropout attn_drop;
    private readonly Linear proj;
    private readonly Dropout proj_drop;
    private readonly long heads;
    private readonly double attentionDropout;

    /// <summary>Creates the layer; <paramref name="dim"/> must be divisible by <paramref name="heads"/>.</summary>
    public Attention(long dim, long heads, bool qkvBias = true, double attentionDropout = 0, double projectionDropout = 0, Device? device = null) : base(nameof(Attention))
    {
        if (dim % heads != 0)
        {
            throw new ArgumentException($"The embedding width {dim} is not divisible by the head count {heads}.", nameof(heads));
        }
        this.heads = heads;
        this.attentionDropout = attentionDropout;
        qkv = nn.Linear(dim, dim * 3, hasBias: qkvBias, device: device);
        attn_drop = nn.Dropout(attentionDropout);
        proj = nn.Linear(dim, dim, device: device);
        proj_drop = nn.Dropout(projectionDropout);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var (q, k, v, batch, tokens, dim) = Split(input);
        var context = nn.functional.scaled_dot_product_attention(q, k, v, p: training ? attentionDropout : 0);
        return Project(context, batch, tokens, dim).MoveToOuterDisposeScope();
    }

    /// <summary>The output and the attention weights (batch, heads, tokens, tokens), computed explicitly.</summary>
    public (Tensor Output, Tensor Weights) ForwardWithWeights(Tensor input)
    {
        using var scope = NewDisposeScope();
        var (q, k, v, batch, tokens, dim) = Split(input);
        double scale = 1.0 / Math.Sqrt(q.shape[^1]);
        var weights = q.mul(scale).matmul(k.transpose(-2, -1)).softmax(-1);
        var context = attn_drop.call(weights).matmul(v);
        var output = Project(context, batch, tokens, dim);
        return (output.MoveToOuterDisposeScope(), weights.MoveToOuterDisposeScope());
    }

    private (Tensor Q, Tensor K, Tensor V, long Batch, long Tokens, long Dim) Split(Tensor input)
    {
        long batch = input.shape[0], tokens = input.shape[1], dim = input.shape[2];
        var parts = qkv.call(input).reshape(batch, tokens, 3, heads, dim / heads).permute(2, 0, 3, 1, 4).unbind(0);
        return (parts[0], parts[1], parts[2], batch, tokens, dim);
    }

    private Tensor Project(Tensor context, long batch, long tokens, long dim) =>
        proj_drop.call(proj.call(context.transpose(1, 2).reshape(batch, tokens, dim)));
}
