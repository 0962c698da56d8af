using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.Torch.Layers;

/// <summary>
/// A pre-norm transformer block (timm ViT <c>Block</c>): x + drop_path(ls1(attn(norm1(x)))), then
/// x + drop_path(ls2(mlp(norm2(x)))). LayerScale is present only when an initial value is given, as in timm.
/// </summary>
public sealed class TransformerBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly Attention attn;
    private readonly nn.Module<Tensor, Tensor> ls1;
    private readonly nn.Module<Tensor, Tensor> drop_path1;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;
    private readonly nn.Module<Tensor, Tensor> ls2;
    private readonly nn.Module<Tensor, Tensor> drop_path2;

    /// <summary>Creates the block.</summary>
    public TransformerBlock(long dim, long heads, double mlpRatio = 4.0, bool qkvBias = true, double? layerScaleInit = null,
        double dropPath = 0, double dropout = 0, double attentionDropout = 0, double normEps = 1e-6, Device? device = null) : base(nameof(TransformerBlock))
    {
        norm1 = nn.LayerNorm(dim, eps: normEps, device: device);
        attn = new Attention(dim, heads, qkvBias, attentionDropout, dropout, device);
        ls1 = layerScaleInit is { } init1 ? new LayerScale(dim, init1, device) : nn.Identity();
        drop_path1 = dropPath > 0 ? new DropPath(dropPath) : nn.Identity();
        norm2 = nn.LayerNorm(dim, eps: normEps, device: device);
        mlp = new Mlp(dim, (long)(dim * mlpRatio), dropout: dropout, device: device);
        ls2 = layerScaleInit is { } init2 ? new LayerScale(dim, init2, device) : nn.Identity();
        drop_path2 = dropPath > 0 ? new DropPath(dropPath) : nn.Identity();
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input + drop_path1.call(ls1.call(attn.call(norm1.call(input))));
        x = x + drop_path2.call(ls2.call(mlp.call(norm2.call(x))));
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>The block's output and its attention weights (batch, heads, tokens, tokens).</summary>
    public (Tensor Output, Tensor Weights) ForwardWithWeights(Tensor input)
    {
        using var scope = NewDisposeScope();
        var (attended, weights) = attn.ForwardWithWeights(norm1.call(input));
        var x = input + drop_path1.call(ls1.call(attended));
        x = x + drop_path2.call(ls2.call(mlp.call(norm2.call(x))));
        return (x.MoveToOuterDisposeScope(), weights.MoveToOuterDisposeScope());
    }
}
