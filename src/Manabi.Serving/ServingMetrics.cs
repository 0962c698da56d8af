using Prometheus;

namespace Manabi.Serving;

/// <summary>
/// The server's Prometheus metrics, in a registry of its own (so that several servers in one process, as in tests,
/// do not share gauges), exported at <c>/metrics</c> by prometheus-net.
/// </summary>
internal sealed class ServingMetrics
{
    public ServingMetrics()
    {
        var factory = Metrics.WithCustomRegistry(Registry);
        static HistogramConfiguration Seconds(params string[] labels) =>
            new() { LabelNames = labels, Buckets = Histogram.ExponentialBuckets(0.0001, 2, 18) };
        Requests = factory.CreateCounter("manabi_requests_total", "HTTP requests by route and status code.",
            new CounterConfiguration { LabelNames = ["route", "status"] });
        RequestDuration = factory.CreateHistogram("manabi_request_duration_seconds", "Whole request time by route.", Seconds("route"));
        Tokenization = factory.CreateHistogram("manabi_tokenization_duration_seconds", "Tokenization time per request.", Seconds("model"));
        Queue = factory.CreateHistogram("manabi_queue_duration_seconds", "Time an input waited in the batch queue.", Seconds("model"));
        Inference = factory.CreateHistogram("manabi_inference_duration_seconds", "Forward-pass time per batch.", Seconds("model"));
        BatchSize = factory.CreateHistogram("manabi_batch_size", "Inputs per forward pass.",
            new HistogramConfiguration { LabelNames = ["model"], Buckets = Histogram.ExponentialBuckets(1, 2, 11) });
        BatchTokens = factory.CreateHistogram("manabi_batch_tokens", "Padded tokens (length x inputs) per forward pass.",
            new HistogramConfiguration { LabelNames = ["model"], Buckets = Histogram.ExponentialBuckets(8, 2, 13) });
        QueueLength = factory.CreateGauge("manabi_queue_length", "Inputs waiting for a forward pass.",
            new GaugeConfiguration { LabelNames = ["model"] });
        InFlight = factory.CreateGauge("manabi_inflight_inputs", "Inputs admitted and not yet answered (the limit is max-concurrent-requests).");
        Rejected = factory.CreateCounter("manabi_overload_rejections_total", "Requests answered 429 because the concurrency limit was reached.");
    }

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    public Counter Requests { get; }

    public Histogram RequestDuration { get; }

    public Histogram Tokenization { get; }

    public Histogram Queue { get; }

    public Histogram Inference { get; }

    public Histogram BatchSize { get; }

    public Histogram BatchTokens { get; }

    public Gauge QueueLength { get; }

    public Gauge InFlight { get; }

    public Counter Rejected { get; }
}
