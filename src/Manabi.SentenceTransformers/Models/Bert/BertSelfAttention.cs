using Manabi.SentenceTransformers.Quantization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Models.Bert;

/// <summary>
/// Multi-head self-attention's query, key and value projections and the attention itself (HF <c>BertSelfAttention</c>).
/// Uses libtorch's fused <c>scaled_dot_product_attention</c> unless the attention weights are wanted.
/// </summary>
public sealed class BertSelfAttention : nn.Module
{
#pragma warning disable IDE1006 // Field names are the state_dict keys of HF BertModel.
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly Dropout dropout;
#pragma warning restore IDE1006
    private readonly int _heads;
    private readonly int _headSize;
    private readonly double _dropoutProbability;

    /// <summary>Creates freshly initialised projections for <paramref name="config"/>.</summary>
    public BertSelfAttention(BertConfig config) : base(nameof(BertSelfAttention))
    {
        ArgumentNullException.ThrowIfNull(config);
        _heads = config.NumAttentionHeads;
        _headSize = config.HiddenSize / config.NumAttentionHeads;
        _dropoutProbability = config.AttentionProbsDropoutProb;
        query = nn.Linear(config.HiddenSize, config.HiddenSize);
        key = nn.Linear(config.HiddenSize, config.HiddenSize);
        value = nn.Linear(config.HiddenSize, config.HiddenSize);
        dropout = nn.Dropout(config.AttentionProbsDropoutProb);
        RegisterComponents();
    }

    private DynamicInt8Linear? _qkvInt8;

    /// <summary>Whether <see cref="QuantizeInt8"/> ran: the three projections then run as one int8 matrix product.</summary>
    internal bool IsQuantized => _qkvInt8 is not null;

    /// <summary>Quantizes the query, key and value weights, stacked as the float32 path stacks them, for inference.</summary>
    internal void QuantizeInt8()
    {
        if (_qkvInt8 is not null)
        {
            return;
        }
        using var noGrad = no_grad();
        using var weight = cat([query.weight, key.weight, value.weight], 0);
        using var bias = cat([query.bias!, key.bias!, value.bias!], 0);
        _qkvInt8 = DynamicInt8Linear.Quantize(weight, bias);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _qkvInt8?.Dispose();
            _qkvInt8 = null;
        }
        base.Dispose(disposing);
    }

    /// <summary>
    /// Attends over packed <c>[tokens, hidden]</c> rows (see <see cref="PackedTokens"/>): the three projections run on the
    /// real tokens only, and only attention itself sees the padded batch. Inference only (no attention weights).
    /// </summary>
    internal Tensor ForwardPacked(Tensor packed, Tensor? additiveMask, PackedTokens layout)
    {
        using var scope = NewDisposeScope();
        var projected = Project(packed);
        var qkv = layout.Unpack(projected).view(layout.Batch, layout.Length, 3, _heads, _headSize).permute(2, 0, 3, 1, 4);
        var context = nn.functional.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], additiveMask, training ? _dropoutProbability : 0.0);
        var merged = context.transpose(1, 2).reshape(layout.Batch * layout.Length, (long)_heads * _headSize).index_select(0, layout.Indices);
        return merged.MoveToOuterDisposeScope();
    }

    // One GEMM for the three projections: the concatenated weights cost a small copy, the single
    // wider matrix product is faster than three (and the gradient still reaches each parameter).
    private Tensor Project(Tensor hidden) => _qkvInt8 is { } int8
        ? int8.Forward(hidden, training, nameof(BertSelfAttention))
        : nn.functional.linear(hidden, cat([query.weight, key.weight, value.weight], 0), cat([query.bias!, key.bias!, value.bias!], 0));

    /// <summary>
    /// Attends over <c>[batch, tokens, hidden]</c> states. <paramref name="additiveMask"/> is <c>[batch, 1, 1, tokens]</c>,
    /// 0 where a key may be attended and a large negative number where not (or null: attend everywhere).
    /// Returns the context <c>[batch, tokens, hidden]</c> and, when asked, the weights <c>[batch, heads, tokens, tokens]</c>.
    /// </summary>
    public (Tensor Context, Tensor? Weights) Forward(Tensor hidden, Tensor? additiveMask, bool outputWeights = false)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        long batch = hidden.shape[0], length = hidden.shape[1];
        using var scope = NewDisposeScope();
        var projected = Project(hidden);
        var qkv = projected.view(batch, length, 3, _heads, _headSize).permute(2, 0, 3, 1, 4);
        var q = qkv[0];
        var k = qkv[1];
        var v = qkv[2];
        Tensor context;
        Tensor? weights = null;
        if (!outputWeights)
        {
            context = nn.functional.scaled_dot_product_attention(q, k, v, additiveMask, training ? _dropoutProbability : 0.0);
        }
        else
        {
            var scores = matmul(q, k.transpose(-1, -2)).div_(Math.Sqrt(_headSize));
            if (additiveMask is not null)
            {
                scores.add_(additiveMask);
            }
            weights = nn.functional.softmax(scores, -1);
            context = matmul(dropout.forward(weights), v);
            weights.MoveToOuterDisposeScope();
        }
        var merged = context.transpose(1, 2).reshape(batch, length, (long)_heads * _headSize);
        return (merged.MoveToOuterDisposeScope(), weights);
    }
}
