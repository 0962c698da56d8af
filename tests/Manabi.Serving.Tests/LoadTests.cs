using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Manabi.Serving.Tests;

/// <summary>The server under load: many clients, bursts beyond the limit, disconnects, and memory over many requests.</summary>
public sealed class LoadTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task SixtyFourClientsTwoThousandRequestsNoError()
    {
        await using var host = await ServingHost.StartTinyAsync();
        const int Clients = 64, Requests = 2000;
        int next = -1, ok = 0;
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async client =>
        {
            for (int i = Interlocked.Increment(ref next); i < Requests; i = Interlocked.Increment(ref next))
            {
                using var response = await host.Client.PostAsync("v1/embeddings", Json($"{{\"input\": [\"request {i} from client {client}\", \"second input {i}\"]}}"));
                string text = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"{(int)response.StatusCode}: {text}");
                    continue;
                }
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.GetProperty("data").GetArrayLength() != 2)
                {
                    failures.Add($"wrong answer: {text}");
                    continue;
                }
                Interlocked.Increment(ref ok);
            }
        }));
        Assert.True(failures.IsEmpty, $"{failures.Count} failures, e.g. {failures.FirstOrDefault()}");
        Assert.Equal(Requests, ok);
        Assert.Equal(0, await host.MetricAsync("manabi_inflight_inputs"));
    }

    [Fact]
    public async Task BurstBeyondTheLimitGetsOnly200And429AndStaysHealthy()
    {
        await using var host = await ServingHost.StartTinyAsync(o =>
        {
            o.MaxConcurrentRequests = 16;
            o.MaxClientBatchSize = 8;
            o.Workers = 1;
            o.RetryAfterSeconds = 2;
        });
        string body = JsonSerializer.Serialize(new { inputs = Enumerable.Range(0, 8).Select(i => $"burst input {i} " + string.Join(' ', Enumerable.Repeat("padding", 40))), truncate = true });
        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var response = await host.Client.PostAsync("embed", Json(body));
            string text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal("2", response.Headers.GetValues("Retry-After").Single());
                using var error = JsonDocument.Parse(text);
                Assert.Equal("Overloaded", error.RootElement.GetProperty("error_type").GetString());
            }
            return (int)response.StatusCode;
        }));
        Assert.All(statuses, s => Assert.True(s is 200 or 429, $"status {s}"));
        Assert.Contains(429, statuses);
        Assert.Contains(200, statuses);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync("embed", Json(body))).StatusCode);
        Assert.Equal(0, await host.MetricAsync("manabi_inflight_inputs"));
        Assert.True(await host.MetricAsync("manabi_overload_rejections_total") > 0);
    }

    [Fact]
    public async Task DisconnectsMidRequestLeakNothing()
    {
        await using var host = await ServingHost.StartTinyAsync(o =>
        {
            o.Workers = 1;
            o.MaxBatchTokens = 1024;
        });
        string body = JsonSerializer.Serialize(new { inputs = Enumerable.Range(0, 64).Select(i => $"input {i} " + string.Join(' ', Enumerable.Repeat("long", 100))), truncate = true });
        int cancelled = 0;
        await Task.WhenAll(Enumerable.Range(0, 24).Select(async _ =>
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));
            try
            {
                using var response = await host.Client.PostAsync("embed", Json(body), cts.Token);
                await response.Content.ReadAsStringAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref cancelled);
            }
        }));
        Assert.True(cancelled > 0, "no request was still running after 150 ms; the test did not disconnect mid-request");
        // The dropped inputs leave the queue, and the admission count returns to zero.
        var clock = Stopwatch.StartNew();
        double queue = -1, inflight = -1;
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            queue = await host.MetricAsync("manabi_queue_length");
            inflight = await host.MetricAsync("manabi_inflight_inputs");
            if (queue == 0 && inflight == 0)
            {
                break;
            }
            await Task.Delay(50);
        }
        Assert.Equal(0, queue);
        Assert.Equal(0, inflight);
        Assert.True(await host.MetricAsync("manabi_requests_total{route=\"/embed\",status=\"499\"}") > 0, "no request was logged as dropped (499)");
        // Fewer inputs were embedded than were sent: queued inputs of gone clients were dropped, not computed.
        double embedded = await host.MetricAsync("manabi_batch_size_sum");
        // 24 × 64 plus the warm-up input if nothing had been dropped.
        Assert.True(embedded < 24 * 64, $"embedded {embedded} inputs of {24 * 64}: the inputs of disconnected clients were not dropped");
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync("embed", Json("{\"inputs\": \"still fine\"}"))).StatusCode);
    }

    /// <summary>
    /// Bound: after a warm-up of 2,000 requests, 20,000 more grow the managed heap (after a full collection) by less
    /// than 16 MiB and the process's resident set by less than 64 MiB.
    /// </summary>
    [Fact]
    public async Task MemoryIsFlatOverTwentyThousandRequests()
    {
        await using var host = await ServingHost.StartTinyAsync();
        async Task Run(int requests)
        {
            int next = -1;
            await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
            {
                for (int i = Interlocked.Increment(ref next); i < requests; i = Interlocked.Increment(ref next))
                {
                    using var response = await host.Client.PostAsync("v1/embeddings", Json($"{{\"input\": \"tiny {i % 97}\"}}"));
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    await response.Content.ReadAsByteArrayAsync();
                }
            }));
        }
        static (long Heap, long Rss) Measure()
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect();
            using var self = Process.GetCurrentProcess();
            return (GC.GetTotalMemory(true), self.WorkingSet64);
        }
        await Run(2000);
        var before = Measure();
        await Run(20000);
        var after = Measure();
        long heap = after.Heap - before.Heap, rss = after.Rss - before.Rss;
        output.WriteLine($"over 20,000 requests: managed heap {before.Heap >> 10} -> {after.Heap >> 10} KiB, resident set {before.Rss >> 20} -> {after.Rss >> 20} MiB");
        Assert.True(heap < 16L << 20, $"managed heap grew by {heap >> 10} KiB over 20,000 requests");
        Assert.True(rss < 64L << 20, $"resident set grew by {rss >> 10} KiB over 20,000 requests");
        Assert.Equal(0, await host.MetricAsync("manabi_queue_length"));
    }
}
