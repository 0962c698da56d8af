namespace Manabi.Serving;

/// <summary>
/// What the embedding server serves and the limits it enforces; configured through
/// <see cref="ManabiServingExtensions.AddManabiEmbeddings"/>. Every limit answers with an error in the shape of the
/// route's API (OpenAI or text-embeddings-inference) instead of queueing or allocating without bound.
/// </summary>
public sealed class EmbeddingServerOptions
{
    /// <summary>The models, chosen by a request's <c>model</c>; the first is the default. Empty: the embedded all-MiniLM-L6-v2.</summary>
    public IList<EmbeddingModelSource> Models { get; } = [];

    /// <summary>
    /// Most inputs (texts or token sequences, over all requests) in flight at once; a request that would exceed it is
    /// answered 429 with <c>Retry-After</c> at once. Must be at least <see cref="MaxClientBatchSize"/>.
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = 2048;

    /// <summary>The token budget of one forward pass: padded length × inputs.</summary>
    public int MaxBatchTokens { get; set; } = 16384;

    /// <summary>Most inputs in one request; more is answered 413.</summary>
    public int MaxClientBatchSize { get; set; } = 512;

    /// <summary>Largest request body in bytes; more is answered 413.</summary>
    public long PayloadLimit { get; set; } = 2_000_000;

    /// <summary>Whether inputs longer than the model's maximum length are cut (else answered 422); TEI's <c>truncate</c> overrides it per request.</summary>
    public bool AutoTruncate { get; set; }

    /// <summary>When set, every route except <c>/health</c>, <c>/ready</c> and <c>/metrics</c> requires <c>Authorization: Bearer KEY</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Threads running forward passes per model, each with one libtorch thread; 0: libtorch's thread count.</summary>
    public int Workers { get; set; }

    /// <summary>The <c>Retry-After</c> sent with 429, in whole seconds.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>How long shutdown waits for in-flight requests before failing what is left.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the server keeps its listener open after shutdown begins, answering new requests with 503
    /// <c>shutting_down</c>, <c>Retry-After</c> and <c>Connection: close</c> (and <c>/ready</c> with 503) while the requests
    /// in flight finish. A client or load balancer thus gets an answer it can act on instead of a reset connection;
    /// only connections that arrive as the listener closes after this period are closed unanswered.
    /// </summary>
    public TimeSpan ShutdownDrainDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether one log line is written per request (method, path, status, inputs, tokens and timings).</summary>
    public bool LogRequests { get; set; } = true;

    /// <summary>Checks the values; the message names the option.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        static void Positive(long value, string name)
        {
            if (value <= 0)
            {
                throw new ArgumentException($"{name} {value}: must be positive.");
            }
        }
        Positive(MaxConcurrentRequests, "max-concurrent-requests");
        Positive(MaxBatchTokens, "max-batch-tokens");
        Positive(MaxClientBatchSize, "max-client-batch-size");
        Positive(PayloadLimit, "payload-limit");
        Positive(RetryAfterSeconds, "retry-after");
        if (ShutdownDrainDelay < TimeSpan.Zero || ShutdownTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException($"shutdown-drain-delay {ShutdownDrainDelay} and shutdown-timeout {ShutdownTimeout}: must not be negative.");
        }
        if (Workers < 0)
        {
            throw new ArgumentException($"workers {Workers}: must be 0 (automatic) or positive.");
        }
        if (MaxConcurrentRequests < MaxClientBatchSize)
        {
            throw new ArgumentException(
                $"max-concurrent-requests {MaxConcurrentRequests} is below max-client-batch-size {MaxClientBatchSize}: a full request could never be admitted.");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var model in Models)
        {
            if (!names.Add(model.Name))
            {
                throw new ArgumentException($"model {model.Name}: served twice; give the models distinct names.");
            }
        }
    }
}
