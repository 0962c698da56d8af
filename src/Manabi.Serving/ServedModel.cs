using Manabi.SentenceTransformers;
using Manabi.Text;
using static TorchSharp.torch;

namespace Manabi.Serving;

/// <summary>One loaded model: its encoder, tokenization as the encoder does it, and its batcher.</summary>
internal sealed class ServedModel : IDisposable
{
    private readonly WordPieceTokenizer _tokenizer;
    // One token beyond the limit tells whether a text was cut (as SentenceEncoder does).
    private readonly WordPieceTokenizer _probe;
    private readonly nn.Module<Tensor, Tensor>[] _beforeNormalize;
    private readonly bool _ownsEncoder;

    public ServedModel(string name, SentenceEncoder encoder, IReadOnlyDictionary<string, string> prompts, bool ownsEncoder)
    {
        Name = name;
        Encoder = encoder;
        Prompts = prompts;
        _ownsEncoder = ownsEncoder;
        _tokenizer = encoder.Tokenizer;
        _probe = _tokenizer.WithTruncation(new TruncationOptions(encoder.MaxSeqLength + 1));
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

    public int VocabularySize => _tokenizer.Vocabulary.Count;

    public WordPieceTokenizer Tokenizer => _tokenizer;

    public EmbeddingBatcher Batcher { get; set; } = null!;

    /// <summary>
    /// Token ids of a text as <see cref="SentenceEncoder.Encode(IReadOnlyList{string}, int, bool?, PoolingMode?, IProgress{int}?, CancellationToken)"/>
    /// makes them (prompt prepended, stripped, lower-cased where the model is); null when it is too long and
    /// <paramref name="truncate"/> is false.
    /// </summary>
    public int[]? Tokenize(string text, bool truncate, TruncationDirection direction, string? prompt)
    {
        if (prompt is not null)
        {
            text = prompt + text;
        }
        text = text.Trim();
        if (Encoder.DoLowerCase)
        {
            text = text.ToLowerInvariant();
        }
        int max = MaxLength;
        int[] buffer = System.Buffers.ArrayPool<int>.Shared.Rent(max + 1);
        try
        {
            int n = _probe.EncodeToIds(text, buffer.AsSpan(0, max + 1));
            if (n <= max)
            {
                return buffer.AsSpan(0, n).ToArray();
            }
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(buffer);
        }
        if (!truncate)
        {
            return null;
        }
        var full = _tokenizer.Encode(text).Ids;
        var special = _tokenizer.PostProcessor;
        var row = new int[max];
        if (direction == TruncationDirection.Left)
        {
            // Keep the end of the text, between the model's own special tokens.
            int head = special is null ? 0 : 1, tail = special is null ? 0 : 1;
            for (int i = 0; i < head; i++)
            {
                row[i] = full[i];
            }
            int body = max - head - tail;
            for (int i = 0; i < body; i++)
            {
                row[head + i] = full[full.Count - tail - body + i];
            }
            for (int i = 0; i < tail; i++)
            {
                row[max - tail + i] = full[full.Count - tail + i];
            }
        }
        else
        {
            for (int i = 0; i < max; i++)
            {
                row[i] = full[i];
            }
            if (special is not null)
            {
                row[max - 1] = special.SepId;
            }
        }
        return row;
    }

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
        var hidden = Encoder.TokenEmbeddings(batch);
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
