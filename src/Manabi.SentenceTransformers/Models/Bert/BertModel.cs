using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Models.Bert;

/// <summary>
/// The BERT encoder of Hugging Face transformers' <c>BertModel</c>: embeddings, a stack of transformer layers and
/// an optional pooler. Its <c>state_dict</c> keys are HF's (<c>embeddings.word_embeddings.weight</c>,
/// <c>encoder.layer.0.attention.self.query.weight</c>, …, <c>pooler.dense.weight</c>), so HF weights load as they are
/// (see <see cref="BertWeights"/>).
/// </summary>
public sealed class BertModel : nn.Module
{
#pragma warning disable IDE1006 // Field names are the state_dict keys of HF BertModel.
    private readonly BertEmbeddings embeddings;
    private readonly BertEncoder encoder;
    private readonly BertPooler? pooler;
#pragma warning restore IDE1006

    /// <summary>Creates a freshly initialised model (normal(0, initializer_range) weights, zero biases, unit LayerNorms).</summary>
    /// <param name="config">The architecture.</param>
    /// <param name="addPoolingLayer">Whether the model has <c>pooler.dense</c> (sentence encoders often drop it).</param>
    public BertModel(BertConfig config, bool addPoolingLayer = true) : base(nameof(BertModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        embeddings = new BertEmbeddings(config);
        encoder = new BertEncoder(config);
        pooler = addPoolingLayer ? new BertPooler(config) : null;
        RegisterComponents();
        InitializeWeights();
    }

    /// <summary>The architecture.</summary>
    public BertConfig Config { get; }

    /// <summary>Whether the model has a pooler.</summary>
    public bool HasPooler => pooler is not null;

    /// <summary>The transformer layers.</summary>
    public IReadOnlyList<BertLayer> Layers => encoder.Layers;

    /// <summary>
    /// Encodes a batch. <paramref name="inputIds"/> and <paramref name="attentionMask"/> are <c>[batch, tokens]</c>
    /// int64 (mask 1 for real tokens, 0 for padding); <paramref name="tokenTypeIds"/> null means all zeros.
    /// Attention runs through libtorch's fused scaled-dot-product kernel unless <paramref name="outputAttentions"/>.
    /// With <paramref name="skipPadding"/>, outside training and without attention weights, a padded batch computes its
    /// real tokens only: the linear layers, LayerNorms and activations run on them packed, and only attention sees the
    /// padded shape; the padded positions of the last hidden state are then zeros rather than the values HF computes
    /// there (which no masked pooling reads). Faster when lengths in a batch differ; equal on the real tokens.
    /// </summary>
    public BertModelOutput Forward(Tensor inputIds, Tensor? attentionMask = null, Tensor? tokenTypeIds = null,
        bool outputAttentions = false, bool computePooler = false, bool skipPadding = false)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        if (inputIds.dim() != 2)
        {
            throw new ArgumentException($"input ids must be [batch, tokens], got [{string.Join(", ", inputIds.shape)}]", nameof(inputIds));
        }
        if (inputIds.shape[1] > Config.MaxPositionEmbeddings)
        {
            throw new ArgumentException(
                $"{inputIds.shape[1]} tokens exceed the model's {Config.MaxPositionEmbeddings} positions; truncate the input", nameof(inputIds));
        }
        using var scope = NewDisposeScope();
        var hidden = embeddings.forward(inputIds, tokenTypeIds);
        var additiveMask = AdditiveMask(attentionMask, hidden.dtype);
        Tensor last;
        IReadOnlyList<Tensor>? weights = null;
        if (skipPadding && additiveMask is not null && !training && !outputAttentions)
        {
            using var layout = PackedTokens.Of(attentionMask!);
            using var packed = layout.Pack(hidden);
            using var packedLast = encoder.ForwardPacked(packed, additiveMask, layout);
            last = layout.Unpack(packedLast);
        }
        else
        {
            (last, weights) = encoder.Forward(hidden, additiveMask, outputAttentions);
        }
        var pooled = computePooler && pooler is not null ? pooler.forward(last) : null;
        last.MoveToOuterDisposeScope();
        pooled?.MoveToOuterDisposeScope();
        foreach (var w in weights ?? [])
        {
            w.MoveToOuterDisposeScope();
        }
        return new BertModelOutput(last, pooled, weights);
    }

    /// <summary>Whether <see cref="QuantizeInt8"/> ran.</summary>
    public bool IsQuantized => encoder.Layers.Count > 0 && encoder.Layers.All(l => l.IsQuantized);

    /// <summary>
    /// Quantizes the linear layers of every transformer layer to int8 for faster CPU inference: dynamic quantization
    /// as PyTorch's <c>quantize_dynamic</c> applies to <c>nn.Linear</c> (int8 weights, activations quantized to uint8
    /// from each call's range, FBGEMM's int8 GEMM; the query, key and value projections stay one product), with each
    /// weight row scaled to a common range first so that the kernel's single scale acts per output channel.
    /// Embeddings, LayerNorms, attention itself and the pooler stay float32. Takes the current weights; later changes
    /// to them are not seen. The float32 weights are kept, so <c>state_dict</c> and saving are unchanged; a quantized
    /// model refuses to run in training mode. Calling it again does nothing.
    /// </summary>
    /// <exception cref="NotSupportedException">The model is not float32 on the CPU.</exception>
    public void QuantizeInt8()
    {
        foreach (var (name, parameter) in named_parameters())
        {
            if (parameter.dtype != ScalarType.Float32 || parameter.device_type != TorchSharp.DeviceType.CPU)
            {
                throw new NotSupportedException(
                    $"int8 quantization needs a float32 model on the CPU; parameter '{name}' is {parameter.dtype} on {parameter.device_type}");
            }
        }
        foreach (var layer in encoder.Layers)
        {
            layer.QuantizeInt8();
        }
    }

    /// <summary>Whether the transformer's floating-point weights are bfloat16 (<see cref="UseBFloat16"/>).</summary>
    public bool IsBFloat16 => parameters().FirstOrDefault()?.dtype == ScalarType.BFloat16;

    /// <summary>
    /// Converts every floating-point weight to bfloat16 (as <c>model.to(torch.bfloat16)</c> does), so the matrix products
    /// run on the CPU's bfloat16 units (AMX or AVX-512-BF16 through oneDNN) at about twice the float32 speed; the additive
    /// attention mask follows the weights' dtype. <c>state_dict</c> and saving then hold bfloat16 weights. Calling it
    /// again does nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model was quantized to int8: its int8 layers were made from the
    /// float32 weights, so the two cannot be combined; load the model again.</exception>
    public void UseBFloat16()
    {
        if (encoder.Layers.Any(l => l.IsQuantized))
        {
            throw new InvalidOperationException(
                "the model is quantized to int8 (QuantizeInt8); int8 and bfloat16 are alternatives: load the float32 model again to use bfloat16.");
        }
        this.to(ScalarType.BFloat16);
    }

    /// <summary>The pooler's output for given final hidden states.</summary>
    /// <exception cref="InvalidOperationException">The model has no pooler.</exception>
    public Tensor Pool(Tensor lastHiddenState) =>
        (pooler ?? throw new InvalidOperationException("this BERT model has no pooler (pooler.dense)")).forward(lastHiddenState);

    /// <summary>Re-initialises every weight as transformers' <c>BertPreTrainedModel._init_weights</c> does.</summary>
    public void InitializeWeights()
    {
        using var _ = no_grad();
        foreach (var (name, parameter) in named_parameters())
        {
            if (name.EndsWith("LayerNorm.weight", StringComparison.Ordinal))
            {
                parameter.fill_(1.0);
            }
            else if (name.EndsWith(".bias", StringComparison.Ordinal))
            {
                parameter.zero_();
            }
            else
            {
                parameter.normal_(0.0, Config.InitializerRange);
                if (name == "embeddings.word_embeddings.weight" && Config.PadTokenId >= 0 && Config.PadTokenId < Config.VocabSize)
                {
                    parameter[Config.PadTokenId].zero_();
                }
            }
        }
    }

    // HF's extended attention mask: 0 where attended, the dtype's lowest value where masked; none when nothing is masked,
    // which lets the fused kernel skip the mask entirely.
    private static Tensor? AdditiveMask(Tensor? attentionMask, ScalarType dtype)
    {
        if (attentionMask is null)
        {
            return null;
        }
        using (var allOnes = attentionMask.all())
        {
            if (allOnes.item<bool>())
            {
                return null;
            }
        }
        // The dtype's own lowest finite value (HF's torch.finfo(dtype).min): float.MinValue overflows bfloat16/half.
        double lowest = finfo(dtype).min;
        using var masked = attentionMask.eq(0);
        return zeros(attentionMask.shape, dtype, attentionMask.device).masked_fill_(masked, lowest)
            .view(attentionMask.shape[0], 1, 1, attentionMask.shape[1]);
    }
}
