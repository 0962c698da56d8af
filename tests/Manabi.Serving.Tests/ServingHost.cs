using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Manabi.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Manabi.Serving.Tests;

/// <summary>A real Manabi server on Kestrel on a free loopback port, ready (model loaded and warmed up) once started.</summary>
internal sealed class ServingHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServingHost(WebApplication app, Uri address)
    {
        _app = app;
        BaseAddress = address;
        Client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public static string TinyFolder => Fixtures.Path("sbert", "tiny-sbert");

    public static Task<ServingHost> StartTinyAsync(Action<EmbeddingServerOptions>? configure = null) => StartAsync(o =>
    {
        o.Models.Add(EmbeddingModelSource.FromFolder(TinyFolder));
        configure?.Invoke(o);
    });

    public static async Task<ServingHost> StartAsync(Action<EmbeddingServerOptions> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddManabiEmbeddings(o =>
        {
            o.LogRequests = false;
            configure(o);
        });
        var app = builder.Build();
        app.MapManabiEmbeddingApi();
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var host = new ServingHost(app, new Uri(address + "/"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            using var ready = await host.Client.GetAsync("ready");
            if (ready.IsSuccessStatusCode)
            {
                return host;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the server did not become ready: {await ready.Content.ReadAsStringAsync()}");
            }
            await Task.Delay(50);
        }
    }

    public async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> PostAsync(string route, string json, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        var response = await Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return ((int)response.StatusCode, body, response);
    }

    /// <summary>The value of a metric line (first match of <paramref name="prefix"/>, labels included) in /metrics.</summary>
    public async Task<double> MetricAsync(string prefix)
    {
        string text = await Client.GetStringAsync("metrics");
        double total = 0;
        bool found = false;
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal) && (line.Length == prefix.Length || line[prefix.Length] is ' ' or '{' || prefix.EndsWith('}')))
            {
                total += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
                found = true;
            }
        }
        return found ? total : 0;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal static class Vectors
{
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        return dot / Math.Sqrt(na * nb);
    }

    public static void AssertSame(float[][] expected, IReadOnlyList<float[]> actual, double minimum, string what)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            double cosine = Cosine(expected[i], actual[i]);
            Assert.True(cosine >= minimum, $"{what}: input {i} has cosine {cosine:F7} to in-process Encode, below {minimum}");
        }
    }

    public static float[] Floats(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetSingle())];
}
