using Manabi.Text;
using Manabi.SentenceTransformers.Models.Bert;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers;

/// <summary>
/// A Sentence-BERT encoder, as sentence-transformers' <c>SentenceTransformer</c>: a BERT (the Transformer module)
/// with its tokenizer (any Hugging Face tokenizer.json: WordPiece, BPE, Unigram, WordLevel), a <see cref="Pooling"/>, then optional <see cref="Dense"/> and
/// <see cref="SentenceTransformers.Normalize"/> modules. Load one with <see cref="Load"/>, embed texts with
/// <see cref="Encode(IReadOnlyList{string}, int, bool?, PoolingMode?, IProgress{int}?, CancellationToken)"/>, fine-tune it through <see cref="Forward"/>.
/// It is also a Microsoft.Extensions.AI <see cref="Microsoft.Extensions.AI.IEmbeddingGenerator{TInput, TEmbedding}"/>
/// of <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c>, whose <see cref="GenerateAsync"/> encodes on the thread pool.
/// </summary>
public sealed partial class SentenceEncoder : nn.Module
{
#pragma warning disable IDE1006 // Registered submodules; their names only matter inside this library.
    private readonly BertModel bert;
    private readonly Pooling pooling;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> after_pooling;
#pragma warning restore IDE1006
    // BERT's WordPiece pipeline encodes through the fused tokenizer's span API; one token beyond the limit tells whether
    // a text was cut. Other pipelines encode through the general tokenizer, truncated as HF truncates (specials kept).
    private readonly WordPieceTokenizer? _fusedProbe;
    private readonly Tokenizer _truncateRight;
    private readonly Tokenizer _truncateLeft;

    /// <summary>Assembles an encoder from its parts.</summary>
    /// <param name="bert">The transformer.</param>
    /// <param name="tokenizer">Its tokenizer (its own truncation and padding settings are ignored).</param>
    /// <param name="pooling">How token embeddings become one vector.</param>
    /// <param name="modules">What follows pooling: <see cref="Dense"/> and <see cref="SentenceTransformers.Normalize"/> modules, in order.</param>
    /// <param name="maxSeqLength">Longest token sequence, special tokens included; longer texts are cut.</param>
    /// <param name="doLowerCase">Whether texts are lower-cased before tokenisation (sentence_bert_config's do_lower_case).</param>
    public SentenceEncoder(BertModel bert, Tokenizer tokenizer, Pooling pooling, IEnumerable<nn.Module<Tensor, Tensor>> modules,
        int maxSeqLength, bool doLowerCase = false) : base(nameof(SentenceEncoder))
    {
        ArgumentNullException.ThrowIfNull(bert);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(pooling);
        ArgumentNullException.ThrowIfNull(modules);
        if (maxSeqLength < 2 || maxSeqLength > bert.Config.MaxPositionEmbeddings)
        {
            throw new ArgumentOutOfRangeException(nameof(maxSeqLength),
                $"max_seq_length {maxSeqLength} must lie in [2, {bert.Config.MaxPositionEmbeddings}] (the model's positions)");
        }
        if (pooling.TokenDimension != bert.Config.HiddenSize)
        {
            throw new ArgumentException($"pooling expects {pooling.TokenDimension}-wide tokens, the transformer gives {bert.Config.HiddenSize}", nameof(pooling));
        }
        this.bert = bert;
        this.pooling = pooling;
        this.after_pooling = new ModuleList<nn.Module<Tensor, Tensor>>(modules.ToArray());
        Tokenizer = tokenizer.WithTruncation(null).WithPadding(null);
        _fusedProbe = Tokenizer.WordPiece?.WithTruncation(new TruncationOptions(maxSeqLength + 1));
        _truncateRight = Tokenizer.WithTruncation(new TruncationOptions(maxSeqLength));
        _truncateLeft = Tokenizer.WithTruncation(new TruncationOptions(maxSeqLength, direction: TruncationDirection.Left));
        MaxSeqLength = maxSeqLength;
        DoLowerCase = doLowerCase;
        RegisterComponents();
    }

    /// <summary>Assembles an encoder whose tokenizer is a BERT WordPiece one.</summary>
    /// <inheritdoc cref="SentenceEncoder(BertModel, Tokenizer, Pooling, IEnumerable{nn.Module{Tensor, Tensor}}, int, bool)"/>
    public SentenceEncoder(BertModel bert, WordPieceTokenizer tokenizer, Pooling pooling, IEnumerable<nn.Module<Tensor, Tensor>> modules,
        int maxSeqLength, bool doLowerCase = false)
        : this(bert, (tokenizer ?? throw new ArgumentNullException(nameof(tokenizer))).ToTokenizer(), pooling, modules, maxSeqLength, doLowerCase)
    {
    }

    /// <summary>The transformer.</summary>
    public BertModel Bert => bert;

    /// <summary>The tokenizer (without truncation or padding).</summary>
    public Tokenizer Tokenizer { get; }

    /// <summary>The pooling module.</summary>
    public Pooling Pooling => pooling;

    /// <summary>The modules after pooling, in order.</summary>
    public IReadOnlyList<nn.Module<Tensor, Tensor>> Modules => after_pooling.ToList();

    /// <summary>Longest token sequence, special tokens included.</summary>
    public int MaxSeqLength { get; }

    /// <summary>Whether texts are lower-cased before tokenisation.</summary>
    public bool DoLowerCase { get; }

    /// <summary>A name for the model (its folder's name when loaded).</summary>
    public string ModelId { get; init; } = "sentence-encoder";

    /// <summary>Whether the pipeline ends with a <see cref="SentenceTransformers.Normalize"/> module.</summary>
    public bool NormalizesEmbeddings => after_pooling.Any(m => m is Normalize);

    /// <summary>Whether <see cref="QuantizeInt8"/> ran.</summary>
    public bool IsQuantized => bert.IsQuantized;

    /// <summary>
    /// Runs the transformer's linear layers in int8 from now on (dynamic quantization, <see cref="BertModel.QuantizeInt8"/>):
    /// about twice the float32 speed on CPUs with AVX2, AVX-512 or VNNI, for embeddings close to the float32 ones
    /// (docs/RESULTS.md has the measured agreement on held-out text). For inference: training a quantized encoder
    /// throws. The float32 weights are kept, so <c>Save</c> still writes the original model. Calling it again does nothing.
    /// </summary>
    public void QuantizeInt8() => bert.QuantizeInt8();

    /// <summary>Whether <see cref="UseBFloat16"/> ran: the transformer's weights and arithmetic are bfloat16.</summary>
    public bool IsBFloat16 => bert.IsBFloat16;

    /// <summary>
    /// Runs the transformer in bfloat16 from now on (<see cref="BertModel.UseBFloat16"/>): on CPUs with AMX or
    /// AVX-512-BF16 (<see cref="Manabi.Torch.Runtime.TorchRuntime.CpuSupportsBFloat16"/>) about twice the float32 speed,
    /// with embeddings within 0.9999 cosine of float32 (docs/RESULTS.md); on other CPUs it is slower than float32. Pooling
    /// and the modules after it stay float32, and so do <see cref="TokenEmbeddings"/> and the embeddings returned. For
    /// inference: training a bfloat16 encoder throws. <c>Save</c> then writes bfloat16 weights. The alternative to
    /// <see cref="QuantizeInt8"/>, not a companion of it. Calling it again does nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">The encoder was quantized to int8.</exception>
    public void UseBFloat16() => bert.UseBFloat16();

    /// <summary>The width of the sentence embeddings.</summary>
    public int Dimension => after_pooling.OfType<Dense>().LastOrDefault()?.OutFeatures ?? pooling.OutputDimension;

    /// <summary>
    /// Tokenizes texts as sentence-transformers does (strip, optional lower-casing, truncation to
    /// <see cref="MaxSeqLength"/>) and pads them to the longest one.
    /// </summary>
    public TokenBatch Tokenize(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var ids = TokenizeAll(texts, out int truncated);
        int longest = ids.Count == 0 ? 0 : ids.Max(r => r.Length);
        var order = Enumerable.Range(0, texts.Count).ToArray();
        var (inputIds, mask) = Pad(ids, order, 0, texts.Count, longest);
        return new TokenBatch(inputIds, mask, truncated);
    }

    /// <summary>
    /// Sentence embeddings of a tokenized batch through the whole pipeline, with autograd as the caller's mode allows
    /// (this is what training calls).
    /// </summary>
    public Tensor Forward(TokenBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Embed(batch.InputIds, batch.AttentionMask, normalize: null, poolingOverride: null);
    }

    /// <summary>
    /// The raw transformer output (<c>token_embeddings</c>) of a tokenized batch, as float32 also after
    /// <see cref="UseBFloat16"/>. With <paramref name="skipPadding"/> (see <see cref="BertModel.Forward"/>) the
    /// transformer computes the real tokens only and the padded positions are zeros: what a masked pooling needs, faster.
    /// </summary>
    public Tensor TokenEmbeddings(TokenBatch batch, bool skipPadding = false)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var output = bert.Forward(batch.InputIds, batch.AttentionMask, skipPadding: skipPadding);
        return AsFloat32(output.LastHiddenState);
    }

    // A bfloat16 transformer (UseBFloat16) hands float32 states to pooling and the modules after it.
    private static Tensor AsFloat32(Tensor hidden) =>
        hidden.dtype == ScalarType.Float32 ? hidden.alias() : hidden.to(ScalarType.Float32);

    private Tensor Embed(Tensor inputIds, Tensor attentionMask, bool? normalize, Pooling? poolingOverride)
    {
        using var scope = NewDisposeScope();
        if (training && bert.IsBFloat16)
        {
            throw new InvalidOperationException(
                $"{ModelId} runs in bfloat16 (UseBFloat16), which is for inference: train the float32 model, then convert it.");
        }
        // Pooling is masked, so the padded positions need not be computed (equal on the real tokens).
        using var output = bert.Forward(inputIds, attentionMask, skipPadding: true);
        var embedding = (poolingOverride ?? pooling).Forward(AsFloat32(output.LastHiddenState), attentionMask);
        if (poolingOverride is null)
        {
            foreach (var module in after_pooling)
            {
                if (module is Normalize && normalize == false)
                {
                    continue;
                }
                embedding = module.forward(embedding);
            }
        }
        if (normalize == true)
        {
            embedding = nn.functional.normalize(embedding, 2.0, -1);
        }
        return embedding.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The token ids of one text as <see cref="Tokenize"/> and Encode make them (stripped, lower-cased where
    /// <see cref="DoLowerCase"/>, special tokens added); a text longer than <see cref="MaxSeqLength"/> tokens is cut as HF
    /// truncates from <paramref name="direction"/> (the special tokens stay), or gives null when <paramref name="truncate"/>
    /// is false.
    /// </summary>
    public int[]? TokenizeText(string text, bool truncate = true, TruncationDirection direction = TruncationDirection.Right)
    {
        ArgumentNullException.ThrowIfNull(text);
        int[]? row = TokenizeText(text, truncate, direction, null, out _);
        return row;
    }

    private int[]? TokenizeText(string text, bool truncate, TruncationDirection direction, int[]? buffer, out bool cut)
    {
        text = text.Trim();
        if (DoLowerCase)
        {
            text = text.ToLowerInvariant();
        }
        cut = false;
        if (_fusedProbe is not null)
        {
            buffer ??= new int[MaxSeqLength + 1];
            int n = _fusedProbe.EncodeToIds(text, buffer);
            if (n <= MaxSeqLength)
            {
                return buffer.AsSpan(0, n).ToArray();
            }
        }
        else
        {
            var encoding = _truncateRight.Encode(text);
            if (encoding.Overflowing.Count == 0)
            {
                return [.. encoding.Ids];
            }
            if (truncate && direction == TruncationDirection.Right)
            {
                cut = true;
                return [.. encoding.Ids];
            }
        }
        if (!truncate)
        {
            return null;
        }
        cut = true;
        return [.. (direction == TruncationDirection.Left ? _truncateLeft : _truncateRight).Encode(text).Ids];
    }

    private List<int[]> TokenizeAll(IReadOnlyList<string> texts, out int truncated)
    {
        var rows = new int[texts.Count][];
        int cut = 0;
        Parallel.For(0, texts.Count, () => new int[MaxSeqLength + 1], (i, _, buffer) =>
        {
            string text = texts[i] ?? throw new ArgumentException($"text {i} is null", nameof(texts));
            rows[i] = TokenizeText(text, truncate: true, TruncationDirection.Right, buffer, out bool wasCut)!;
            if (wasCut)
            {
                Interlocked.Increment(ref cut);
            }
            return buffer;
        }, _ => { });
        truncated = cut;
        return [.. rows];
    }

    private static (Tensor Ids, Tensor Mask) Pad(IReadOnlyList<int[]> rows, int[] order, int start, int count, int length)
    {
        var ids = new long[count * length];
        var mask = new long[count * length];
        for (int r = 0; r < count; r++)
        {
            int[] row = rows[order[start + r]];
            int offset = r * length;
            for (int t = 0; t < row.Length; t++)
            {
                ids[offset + t] = row[t];
                mask[offset + t] = 1;
            }
        }
        return (tensor(ids, count, length), tensor(mask, count, length));
    }
}
