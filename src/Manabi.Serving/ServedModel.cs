using Manabi.SentenceTransformers;
using Manabi.Text;
using static TorchSharp.torch;

namespace Manabi.Serving;

/// <summary>One loaded model: its encoder, tokenization as the encoder does it, and its batcher.</summary>
internal sealed class ServedModel : IDisposable
{
    private readonly Tokenizer _tokenizer;
    private readonly nn.Module<Tensor, Tensor>[] _beforeNormalize;
    private readonly bool _ownsEncoder;

    public ServedModel(string name, SentenceEncoder encoder, IReadOnlyDictionary<string, string> prompts, bool ownsEncoder)
    {
        Name = name;
        Encoder = encoder;
        Prompts = prompts;
        _ownsEncoder = ownsEncoder;
        _tokenizer = encoder.Tokenizer;
        // Trailing Normalize modules are applied per input after the forward pass, so that inputs asking for raw
        // and for normalized vectors share one batch.
        var modules = encoder.Modules.ToList();
        int end = modules.Count;
        while (end > 0 && modules[end - 1] is Normalize)
        {
            end--;
        }
        NormalizesByDefault = end < modules.Count;
        _beforeNormalize = [.. modules.Take(end)];
        encoder.eval();
    }

    public string Name { get; }

    public SentenceEncoder Encoder { get; }

    public IReadOnlyDictionary<string, string> Prompts { get; }

    public bool NormalizesByDefault { get; }

    public int Dimension => Encoder.Dimension;

    public int MaxLength => Encoder.MaxSeqLength;

    public int VocabularySize => _tokenizer.GetVocabularySize();

    public Tokenizer Tokenizer => _tokenizer;

    public EmbeddingBatcher Batcher { get; set; } = null!;

    /// <summary>
    /// Token ids of a text as <see cref="SentenceEncoder.Encode(IReadOnlyList{string}, int, bool?, PoolingMode?, IProgress{int}?, CancellationToken)"/>
    /// makes them (prompt prepended, stripped, lower-cased where the model is); null when it is too long and
    /// <paramref name="truncate"/> is false.
    /// </summary>
    public int[]? Tokenize(string text, bool truncate, TruncationDirection direction, string? prompt) =>
        Encoder.TokenizeText(prompt is null ? text : prompt + text, truncate, direction);

    /// <summary>Pooled vectors (before any trailing Normalize) of rows padded to their longest; call with inference mode on.</summary>
    public float[] Forward(IReadOnlyList<int[]> rows, out int width)
    {
        int length = rows.Max(r => r.Length);
        var ids = new long[rows.Count * length];
        var mask = new long[rows.Count * length];
        for (int r = 0; r < rows.Count; r++)
        {
            int[] row = rows[r];
            int offset = r * length;
            for (int t = 0; t < row.Length; t++)
            {
                ids[offset + t] = row[t];
                mask[offset + t] = 1;
            }
        }
        using var scope = NewDisposeScope();
        var batch = new TokenBatch(tensor(ids, rows.Count, length), tensor(mask, rows.Count, length), 0);
        var hidden = Encoder.TokenEmbeddings(batch, skipPadding: true);
        var pooled = Encoder.Pooling.Forward(hidden, batch.AttentionMask);
        foreach (var module in _beforeNormalize)
        {
            pooled = module.forward(pooled);
        }
        float[] flat = pooled.contiguous().data<float>().ToArray();
        width = flat.Length / rows.Count;
        return flat;
    }

    public void Dispose()
    {
        if (_ownsEncoder)
        {
            Encoder.Dispose();
        }
    }
}
