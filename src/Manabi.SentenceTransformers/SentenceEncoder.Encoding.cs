using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers;

public sealed partial class SentenceEncoder
{
    /// <summary>
    /// Embeds texts: each is stripped and tokenized (cut to <see cref="MaxSeqLength"/>), texts are sorted by token
    /// length and batched with minimal padding, run in inference mode with a dispose scope per batch, and returned in
    /// input order. Results do not depend on the batch size or order (to about 1e-6), except after
    /// <see cref="QuantizeInt8"/>: int8 activations are quantized from each batch's range, so a text's embedding then
    /// moves slightly with its batch.
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
        int batches = (order.Length + batchSize - 1) / batchSize;
        int threads = EnterThreadBudget();
        int workers = Math.Clamp(threads, 1, Math.Max(1, batches));
        bool wasTraining = training;
        eval();
        try
        {
            int next = -1, done = 0;
            void Work()
            {
                using var inference = inference_mode();
                for (int b = Interlocked.Increment(ref next); b < batches; b = Interlocked.Increment(ref next))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int start = b * batchSize;
                    int count = Math.Min(batchSize, order.Length - start);
                    int length = rows[order[start]].Length;
                    using var scope = NewDisposeScope();
                    var (ids, mask) = Pad(rows, order, start, count, length);
                    float[] flat = Embed(ids, mask, normalize, poolingOverride).contiguous().data<float>().ToArray();
                    int width = flat.Length / count;
                    for (int r = 0; r < count; r++)
                    {
                        vectors[order[start + r]] = flat.AsSpan(r * width, width).ToArray();
                    }
                    progress?.Report(Interlocked.Add(ref done, count));
                }
            }
            if (workers == 1)
            {
                Work();
            }
            else
            {
                RunInParallel(workers, Work);
            }
        }
        finally
        {
            train(wasTraining);
            LeaveThreadBudget();
        }
        return new SentenceEmbeddings(vectors, truncated);
    }

    // Batches are shared among as many threads as libtorch's intra-op budget, each running its batches with one
    // intra-op thread: short sentences make small matrices, whose per-op thread synchronisation costs more than it
    // saves (and a busy machine makes every such barrier wait for a descheduled thread). Each batch is computed
    // exactly as it would be alone, so results do not depend on this.
    private static readonly Lock BudgetLock = new();
    private static int _activeEncodes;
    private static int _threadBudget;

    // The intra-op budget seen when the first of any concurrent Encode calls began; workers lower libtorch's
    // process-wide setting to 1 while they run, and the last call to finish restores it.
    private static int EnterThreadBudget()
    {
        lock (BudgetLock)
        {
            if (_activeEncodes++ == 0)
            {
                _threadBudget = torch.get_num_threads();
            }
            return _threadBudget;
        }
    }

    private static void LeaveThreadBudget()
    {
        lock (BudgetLock)
        {
            if (--_activeEncodes == 0)
            {
                torch.set_num_threads(_threadBudget);
            }
        }
    }

    private static void RunInParallel(int workers, Action work)
    {
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var pool = Enumerable.Range(0, workers).Select(_ => new Thread(() =>
        {
            try
            {
                torch.set_num_threads(1);
                work();
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        }) { IsBackground = true, Name = "manabi-encode" }).ToList();
        pool.ForEach(t => t.Start());
        pool.ForEach(t => t.Join());
        if (!errors.IsEmpty)
        {
            var first = errors.TryPeek(out var e) ? e : null;
            if (first is OperationCanceledException)
            {
                throw first;
            }
            throw new AggregateException("encoding failed", errors);
        }
    }

    /// <summary>Embeds one text; see <see cref="Encode(IReadOnlyList{string}, int, bool?, PoolingMode?, IProgress{int}?, CancellationToken)"/>.</summary>
    public float[] Encode(string text, bool? normalize = null) => Encode([text], 1, normalize).Vectors[0];
}
