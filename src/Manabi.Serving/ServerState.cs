using System.Diagnostics;
using Manabi.SentenceTransformers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Manabi.Serving;

/// <summary>The models, readiness and admission control of one server; the loading and draining live in <see cref="ModelHost"/>.</summary>
internal sealed class ServerState(IOptions<EmbeddingServerOptions> options, ServingMetrics metrics)
{
    private int _inFlight;
    private volatile bool _ready;
    private volatile bool _stopping;

    public EmbeddingServerOptions Options { get; } = options.Value;

    public ServingMetrics Metrics { get; } = metrics;

    public List<ServedModel> Models { get; } = [];

    public bool Ready => _ready && !_stopping;

    public bool Stopping => _stopping;

    public Exception? LoadError { get; set; }

    public int InFlight => Volatile.Read(ref _inFlight);

    public void MarkReady() => _ready = true;

    public void MarkStopping() => _stopping = true;

    /// <summary>The model a request names; the first when it names none.</summary>
    public ServedModel Resolve(string? name)
    {
        EnsureServing();
        if (name is null)
        {
            return Models[0];
        }
        foreach (var model in Models)
        {
            if (model.Name == name)
            {
                return model;
            }
        }
        throw new ApiError(404, $"The model '{name}' does not exist; this server serves {string.Join(", ", Models.Select(m => $"'{m.Name}'"))}.",
            "model", "model_not_found");
    }

    public void EnsureServing()
    {
        if (_stopping)
        {
            throw new ApiError(503, "the server is shutting down", code: "shutting_down") { RetryAfter = 1 };
        }
        if (!_ready)
        {
            throw new ApiError(503, LoadError is { } e ? $"the model failed to load: {e.Message}" : "the model is still loading",
                code: "not_ready") { RetryAfter = 1 };
        }
    }

    /// <summary>Admits <paramref name="inputs"/> more in-flight inputs, or refuses at once with 429 when over the limit.</summary>
    public Admission Admit(int inputs)
    {
        int now = Interlocked.Add(ref _inFlight, inputs);
        // A lone request is always admitted: max-client-batch-size already bounds it.
        if (now > Options.MaxConcurrentRequests && now != inputs)
        {
            Interlocked.Add(ref _inFlight, -inputs);
            Metrics.Rejected.Inc();
            throw new ApiError(429,
                $"Too many inputs in flight (the limit is {Options.MaxConcurrentRequests}); retry after {Options.RetryAfterSeconds} s.",
                code: "rate_limit_exceeded") { RetryAfter = Options.RetryAfterSeconds };
        }
        Metrics.InFlight.Set(now);
        return new Admission(this, inputs);
    }

    internal void Release(int inputs) => Metrics.InFlight.Set(Interlocked.Add(ref _inFlight, -inputs));

    internal readonly struct Admission(ServerState state, int inputs) : IDisposable
    {
        public void Dispose() => state.Release(inputs);
    }
}

/// <summary>
/// Loads the models in the background when the host starts (so that <c>/health</c> answers at once), runs one
/// warm-up batch per model and then marks the server ready. Shutdown has two phases: before Kestrel stops
/// (<see cref="StoppingAsync"/>), the server drains: new requests get 503 while the listener stays open for
/// <see cref="EmbeddingServerOptions.ShutdownDrainDelay"/> and in-flight requests finish; after Kestrel stopped
/// (<see cref="StopAsync"/>), what is still in flight gets the rest of <see cref="EmbeddingServerOptions.ShutdownTimeout"/>,
/// then the batchers stop.
/// </summary>
internal sealed class ModelHost(ServerState state, ILogger<ModelHost> logger) : IHostedLifecycleService
{
    private readonly Stopwatch _shutdown = new();

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs before any hosted service stops, Kestrel included: its listener still accepts and answers 503.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _shutdown.Start();
        state.MarkStopping();
        var drain = state.Options.ShutdownDrainDelay < state.Options.ShutdownTimeout ? state.Options.ShutdownDrainDelay : state.Options.ShutdownTimeout;
        // At least the drain delay (clients and balancers learn of the shutdown from a 503, not a reset), longer while
        // admitted requests are still running, within the shutdown timeout.
        while ((_shutdown.Elapsed < drain || state.InFlight > 0) && _shutdown.Elapsed < state.Options.ShutdownTimeout
            && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
        }
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private Task _loading = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loading = Task.Run(Load, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task Load()
    {
        var options = state.Options;
        try
        {
            var sources = options.Models.Count > 0 ? options.Models.ToList() : [EmbeddingModelSource.Default()];
            int workers = options.Workers > 0 ? options.Workers : Math.Max(1, TorchSharp.torch.get_num_threads());
            foreach (var source in sources)
            {
                var clock = Stopwatch.StartNew();
                var model = new ServedModel(source.Name, source.Load(), source.Prompts, source.OwnsEncoder);
                model.Batcher = new EmbeddingBatcher(model, workers, options.MaxBatchTokens, state.Metrics);
                lock (state.Models)
                {
                    state.Models.Add(model);
                }
                var warm = new EmbeddingJob(1, normalize: true, 0, CancellationToken.None);
                await model.Batcher.Submit(warm, [model.Tokenize("warm up", true, Manabi.Text.TruncationDirection.Right, null)!]).ConfigureAwait(false);
                logger.LogInformation("model {Model} loaded and warmed up in {Seconds:F1} s: {Dimension} dimensions, max {MaxLength} tokens, {Workers} workers",
                    model.Name, clock.Elapsed.TotalSeconds, model.Dimension, model.MaxLength, workers);
            }
            state.MarkReady();
        }
        catch (Exception e)
        {
            state.LoadError = e;
            logger.LogError(e, "loading the models failed: {Message}", e.Message);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        state.MarkStopping();
        if (!_shutdown.IsRunning)
        {
            _shutdown.Start();
        }
        await _loading.ConfigureAwait(false);
        // Kestrel has stopped accepting by now; requests already admitted finish.
        while (state.InFlight > 0 && _shutdown.Elapsed < state.Options.ShutdownTimeout && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
        }
        var left = state.Options.ShutdownTimeout - _shutdown.Elapsed;
        foreach (var model in state.Models)
        {
            model.Batcher.Stop(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            model.Dispose();
        }
    }
}
