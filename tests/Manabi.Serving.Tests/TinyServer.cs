using Manabi.SentenceTransformers;

namespace Manabi.Serving.Tests;

/// <summary>The tiny-sbert fixture served with small limits, so that every limit is cheap to reach.</summary>
public sealed class TinyServer : IAsyncLifetime
{
    public const int MaxClientBatch = 8;
    public const long PayloadLimit = 20_000;

    internal ServingHost Host { get; private set; } = null!;

    public SentenceEncoder Reference { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Reference = SentenceEncoder.Load(ServingHost.TinyFolder);
        Host = await ServingHost.StartTinyAsync(o =>
        {
            o.MaxClientBatchSize = MaxClientBatch;
            o.MaxConcurrentRequests = 64;
            o.PayloadLimit = PayloadLimit;
        });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Reference.Dispose();
    }
}
