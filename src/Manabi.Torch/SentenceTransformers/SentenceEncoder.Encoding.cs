using static TorchSharp.torch;

namespace Manabi.Torch.SentenceTransformers;

public sealed partial class SentenceEncoder
{
    /// <summary>
    /// Embeds texts: each is stripped and tokenized (cut to <see cref="MaxSeqLength"/>), texts are sorted by token
    /// length and batched with minimal padding, run in inference mode with a dispose scope per batch, and returned in
    /// input order. Results do not depend on the batch size or order (to about 1e-6).
    /// </summary>
    /// <param name="texts">The texts.</param>
    /// <param name="batchSize">Texts per forward pass.</param>
    /// <param name="normalize">null: the model's own pipeline; true: also scale to unit length; false: skip its Normalize modules.</param>
    /// <param name="pooling">Replaces the model's pooling; the modules after pooling (Dense, Normalize) are then skipped.</param>
    /// <param name="progress">Receives the number of texts embedded so far.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public SentenceEmbeddings Encode(IReadOnlyList<string> texts, int batchSize = 32, bool? normalize = null, PoolingMode? pooling = null,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        using var poolingOverride = pooling is { } mode ? new Pooling(bert.Config.HiddenSize, mode) : null;
        var rows = TokenizeAll(texts, out int truncated);
        // Longest first, as sentence-transformers does, so that each batch pads to nearly its own length.
        int[] order = Enumerable.Range(0, rows.Count).OrderByDescending(i => rows[i].Length).ToArray();
        var vectors = new float[rows.Count][];
        bool wasTraining = training;
        eval();
        try
        {
            using var inference = inference_mode();
            for (int start = 0; start < order.Length; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = Math.Min(batchSize, order.Length - start);
                int length = rows[order[start]].Length;
                using var scope = NewDisposeScope();
                var (ids, mask) = Pad(rows, order, start, count, length);
                var embedding = Embed(ids, mask, normalize, poolingOverride).contiguous();
                float[] flat = embedding.data<float>().ToArray();
                int width = flat.Length / count;
                for (int r = 0; r < count; r++)
                {
                    vectors[order[start + r]] = flat.AsSpan(r * width, width).ToArray();
                }
                progress?.Report(start + count);
            }
        }
        finally
        {
            train(wasTraining);
        }
        return new SentenceEmbeddings(vectors, truncated);
    }

    /// <summary>Embeds one text; see <see cref="Encode(IReadOnlyList{string}, int, bool?, PoolingMode?, IProgress{int}?, CancellationToken)"/>.</summary>
    public float[] Encode(string text, bool? normalize = null) => Encode([text], 1, normalize).Vectors[0];
}
