using System.ClientModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Manabi.Cli.Output;
using Manabi.Cli.Reporting;
using Manabi.SentenceTransformers;
using Manabi.Serving;
using Manabi.Vectors.Search;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenAI;
using OpenAI.Embeddings;

namespace Manabi.Cli.Tour;

/// <summary>
/// Tour section for <c>manabi serve</c>: starts the embedding server on a free loopback port, embeds through the
/// official OpenAI .NET SDK and compares with in-process Encode, runs a small load, plots its latency histogram and
/// stops the server.
/// </summary>
public sealed class ServeSection : ITourSection
{
    private static readonly string[] Sentences =
    [
        "The cat sits on the mat.",
        "Embeddings turn sentences into vectors.",
        "The striker scored twice in the second half.",
    ];

    /// <inheritdoc />
    public string Title => "Serving embeddings over HTTP (manabi serve)";

    /// <inheritdoc />
    public async Task<ReportSection> RunAsync(TourContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var section = new ReportSection(Title);
        section.AddParagraph(
            "'manabi serve' answers OpenAI's POST /v1/embeddings and text-embeddings-inference's /embed, /tokenize and " +
            "/similarity, batching the inputs of concurrent requests into shared forward passes. Here the server starts " +
            "inside this process on a free loopback port, the official OpenAI .NET SDK embeds a few sentences through it " +
            "(its default base64 encoding), a short load run measures throughput and latency, and the server stops.");
        using var reference = DefaultSentenceModel.Load();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddManabiEmbeddings(o =>
        {
            o.Models.Add(EmbeddingModelSource.FromEncoder(reference, DefaultSentenceModel.Name));
            o.LogRequests = false;
        });
        await using var app = builder.Build();
        app.MapManabiEmbeddingApi();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var address = new Uri(app.Urls.First() + "/");
            using var http = new HttpClient { BaseAddress = address };
            var clock = Stopwatch.StartNew();
            while (!(await http.GetAsync("ready", cancellationToken).ConfigureAwait(false)).IsSuccessStatusCode)
            {
                if (clock.Elapsed > TimeSpan.FromMinutes(2))
                {
                    throw new TimeoutException("the server did not become ready within 2 minutes");
                }
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }

            // The round trip: the SDK's vectors against in-process Encode.
            var client = new EmbeddingClient(DefaultSentenceModel.Name, new ApiKeyCredential("unused"),
                new OpenAIClientOptions { Endpoint = new Uri(address, "v1") });
            OpenAIEmbeddingCollection served = await client.GenerateEmbeddingsAsync(Sentences, cancellationToken: cancellationToken).ConfigureAwait(false);
            var local = reference.Encode(Sentences).Vectors;
            var rows = new List<IReadOnlyList<string>>();
            double worst = 1;
            for (int i = 0; i < Sentences.Length; i++)
            {
                float[] vector = served[i].ToFloats().ToArray();
                double cosine = EmbeddingSimilarity.Score(vector, local[i]);
                worst = Math.Min(worst, cosine);
                rows.Add([Sentences[i], vector.Length.ToString(CultureInfo.InvariantCulture), cosine.ToString("F7", CultureInfo.InvariantCulture)]);
            }
            section.AddHeading("Round trip through the OpenAI .NET SDK");
            section.AddTable(["sentence", "dimensions", "cosine to in-process Encode"], rows,
                $"EmbeddingClient against 127.0.0.1:{address.Port}/v1; usage reported {served.Usage.InputTokenCount} tokens.");

            // A small load: concurrent clients, one sentence per request.
            int clients = 8, requests = context.Quick ? 200 : 1000;
            var latencies = new double[requests];
            int next = -1;
            var load = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
            {
                for (int i = Interlocked.Increment(ref next); i < requests; i = Interlocked.Increment(ref next))
                {
                    string body = $"{{\"input\": \"{Sentences[i % Sentences.Length]} (request {i})\"}}";
                    long start = Stopwatch.GetTimestamp();
                    using var response = await http.PostAsync("v1/embeddings", new StringContent(body, Encoding.UTF8, "application/json"), cancellationToken).ConfigureAwait(false);
                    response.EnsureSuccessStatusCode();
                    await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                    latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
            })).ConfigureAwait(false);
            double seconds = load.Elapsed.TotalSeconds;
            Array.Sort(latencies);
            double Percentile(double p) => latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p / 100 * latencies.Length) - 1)];
            double rate = requests / seconds;
            section.AddHeading("A small load run");
            section.AddChart(LatencyHistogram(latencies), $"{requests} requests of one sentence from {clients} concurrent clients.");
            section.AddFacts(
                ("throughput", $"{NumberFormat.Short(rate, 4)} sentences/s ({clients} clients, {Environment.ProcessorCount} CPUs)"),
                ("latency p50 / p95 / p99", $"{Percentile(50):F1} / {Percentile(95):F1} / {Percentile(99):F1} ms"),
                ("worst cosine, SDK vs in-process", worst.ToString("F7", CultureInfo.InvariantCulture)),
                ("from the shell", "manabi serve --port 8080, then any OpenAI client with base URL 127.0.0.1:8080/v1 (docs/SERVE.md)"));
            section.Headline = $"OpenAI SDK round trip cosine {worst:F6}; {NumberFormat.Short(rate, 3)} sentences/s, p50 {Percentile(50):F1} ms with {clients} clients";
        }
        finally
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        return section;
    }

    private static byte[] LatencyHistogram(double[] sorted)
    {
        // Twelve equal-width bins from the fastest request to the 99th percentile; the slow tail goes in the last one.
        const int Bins = 12;
        double low = sorted[0], high = Math.Max(sorted[(int)(0.99 * (sorted.Length - 1))], low + 0.1);
        double width = (high - low) / Bins;
        var counts = new double[Bins];
        foreach (double value in sorted)
        {
            counts[Math.Clamp((int)((value - low) / width), 0, Bins - 1)]++;
        }
        var labels = Enumerable.Range(0, Bins).Select(b => (low + (b + 0.5) * width).ToString("F1", CultureInfo.InvariantCulture)).ToList();
        return Charts.Bar("Request latency", "milliseconds (bin centre)", "requests", labels, counts);
    }
}
