using System.Diagnostics;
using static TorchSharp.torch;

namespace Manabi.Serving;

/// <summary>The inputs of one request, waiting for their vectors; completed when the last one is embedded.</summary>
internal sealed class EmbeddingJob(int count, bool normalize, int dimensions, CancellationToken aborted)
{
    private readonly Lock _gate = new();
    private int _remaining = count;

    public float[][] Results { get; } = new float[count][];

    public bool Normalize { get; } = normalize;

    /// <summary>Matryoshka cut; 0 keeps the model's width.</summary>
    public int Dimensions { get; } = dimensions;

    public CancellationToken Aborted { get; } = aborted;

    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Enqueued { get; set; }

    public long FirstStart { get; private set; } = long.MaxValue;

    public long LastEnd { get; private set; }

    public void Complete(int index, ReadOnlySpan<float> pooled, long start, long end)
    {
        int width = Dimensions > 0 && Dimensions < pooled.Length ? Dimensions : pooled.Length;
        var vector = pooled[..width].ToArray();
        if (Normalize)
        {
            double sum = 0;
            foreach (float v in vector)
            {
                sum += (double)v * v;
            }
            // As torch.nn.functional.normalize: x / max(|x|, 1e-12).
            float scale = (float)(1.0 / Math.Max(Math.Sqrt(sum), 1e-12));
            for (int i = 0; i < vector.Length; i++)
            {
                vector[i] *= scale;
            }
        }
        Results[index] = vector;
        lock (_gate)
        {
            FirstStart = Math.Min(FirstStart, start);
            LastEnd = Math.Max(LastEnd, end);
        }
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            Done.TrySetResult();
        }
    }
}

/// <summary>
/// Dynamic batching for one model: inputs (already tokenized by the request threads, so that tokenization overlaps
/// the forward passes) wait in a bounded queue; each worker thread takes the oldest input plus the queued inputs
/// closest to its length, up to the token budget (padded length × count) and its share of the queue, runs it as one
/// forward pass with one libtorch thread that computes the real tokens only (<c>skipPadding</c>), and scatters the vectors
/// back to their requests in order. Inputs of a request whose client disconnected are removed from the queue at once.
/// </summary>
internal sealed class EmbeddingBatcher
{
    // An object, not a Lock: workers sleep on it with Monitor.Wait.
    private readonly object _gate = new();
    private readonly List<(EmbeddingJob Job, int Index, int[] Ids)> _queue = [];
    private readonly ServedModel _model;
    private readonly ServingMetrics _metrics;
    private readonly int _maxBatchTokens;
    private readonly Thread[] _workers;
    private bool _stopping;

    public EmbeddingBatcher(ServedModel model, int workers, int maxBatchTokens, ServingMetrics metrics)
    {
        _model = model;
        _metrics = metrics;
        _maxBatchTokens = maxBatchTokens;
        _workers = [.. Enumerable.Range(0, workers).Select(i => new Thread(Work) { IsBackground = true, Name = $"manabi-serve-{model.Name}-{i}" })];
        foreach (var worker in _workers)
        {
            worker.Start();
        }
    }

    public int QueueLength
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Queues a request's rows; the job completes, fails or is cancelled (client gone).</summary>
    public Task Submit(EmbeddingJob job, IReadOnlyList<int[]> rows)
    {
        job.Enqueued = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            if (_stopping)
            {
                throw new ApiError(503, "the server is shutting down", code: "shutting_down") { RetryAfter = 1 };
            }
            for (int i = 0; i < rows.Count; i++)
            {
                _queue.Add((job, i, rows[i]));
            }
            _metrics.QueueLength.WithLabels(_model.Name).Set(_queue.Count);
            Monitor.PulseAll(_gate);
        }
        if (job.Aborted.CanBeCanceled)
        {
            var registration = job.Aborted.Register(() => Drop(job));
            job.Done.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        }
        return job.Done.Task;
    }

    private void Drop(EmbeddingJob job)
    {
        lock (_gate)
        {
            _queue.RemoveAll(item => item.Job == job);
            _metrics.QueueLength.WithLabels(_model.Name).Set(_queue.Count);
        }
        job.Done.TrySetCanceled(job.Aborted);
    }

    /// <summary>Stops taking new inputs, lets the workers drain the queue within <paramref name="timeout"/>, then fails what is left.</summary>
    public void Stop(TimeSpan timeout)
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
        var deadline = Stopwatch.StartNew();
        foreach (var worker in _workers)
        {
            var left = timeout - deadline.Elapsed;
            worker.Join(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
        lock (_gate)
        {
            foreach (var item in _queue)
            {
                item.Job.Done.TrySetException(new ApiError(503, "the server shut down before this input was embedded", code: "shutting_down"));
            }
            _queue.Clear();
            _metrics.QueueLength.WithLabels(_model.Name).Set(0);
        }
    }

    private void Work()
    {
        // Many small matrices: one intra-op thread per worker beats sharing threads per operation (see SentenceEncoder.Encode).
        TorchSharp.torch.set_num_threads(1);
        using var inference = inference_mode();
        while (Take() is { } batch)
        {
            Run(batch);
        }
    }

    private List<(EmbeddingJob Job, int Index, int[] Ids)>? Take()
    {
        lock (_gate)
        {
            while (_queue.Count == 0)
            {
                if (_stopping)
                {
                    return null;
                }
                Monitor.Wait(_gate);
            }
            var first = _queue[0];
            // Its share of the queue, so that every worker gets a batch when many inputs wait.
            int cap = Math.Max(1, (_queue.Count + _workers.Length - 1) / _workers.Length);
            var batch = new List<(EmbeddingJob Job, int Index, int[] Ids)>(Math.Min(cap, _queue.Count)) { first };
            if (cap > 1 && _queue.Count > 1)
            {
                int length = first.Ids.Length;
                var taken = new bool[_queue.Count];
                taken[0] = true;
                // Closest lengths first (then oldest): less padding per forward pass.
                var candidates = Enumerable.Range(1, _queue.Count - 1)
                    .OrderBy(i => Math.Abs(_queue[i].Ids.Length - length)).ThenBy(i => i);
                int longest = length;
                foreach (int i in candidates)
                {
                    if (batch.Count >= cap)
                    {
                        break;
                    }
                    int padded = Math.Max(longest, _queue[i].Ids.Length);
                    if ((long)padded * (batch.Count + 1) > _maxBatchTokens)
                    {
                        continue;
                    }
                    longest = padded;
                    batch.Add(_queue[i]);
                    taken[i] = true;
                }
                int write = 0;
                for (int read = 0; read < _queue.Count; read++)
                {
                    if (!taken[read])
                    {
                        _queue[write++] = _queue[read];
                    }
                }
                _queue.RemoveRange(write, _queue.Count - write);
            }
            else
            {
                _queue.RemoveAt(0);
            }
            _metrics.QueueLength.WithLabels(_model.Name).Set(_queue.Count);
            return batch;
        }
    }

    // A taken batch is one forward pass. The transformer skips the padding (only attention sees the padded shape), so
    // mixed lengths cost little, and one larger pass beats the several passes over runs of similar length (within 1.25×)
    // that padding once required: 1.13-1.14x the sentences/s at 64 connections in float32 and bfloat16.
    private void Run(List<(EmbeddingJob Job, int Index, int[] Ids)> batch)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            var flat = _model.Forward(batch.ConvertAll(item => item.Ids), out int width);
            long end = Stopwatch.GetTimestamp();
            _metrics.Inference.WithLabels(_model.Name).Observe(Stopwatch.GetElapsedTime(start, end).TotalSeconds);
            _metrics.BatchSize.WithLabels(_model.Name).Observe(batch.Count);
            _metrics.BatchTokens.WithLabels(_model.Name).Observe(batch.Max(item => item.Ids.Length) * batch.Count);
            for (int r = 0; r < batch.Count; r++)
            {
                var (job, index, _) = batch[r];
                _metrics.Queue.WithLabels(_model.Name).Observe(Stopwatch.GetElapsedTime(job.Enqueued, start).TotalSeconds);
                job.Complete(index, flat.AsSpan(r * width, width), start, end);
            }
        }
        catch (Exception e)
        {
            foreach (var (job, _, _) in batch)
            {
                job.Done.TrySetException(e);
            }
        }
    }
}
