using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using Manabi.SentenceTransformers;

namespace Manabi.Serving.Tests;

/// <summary>The routes' answers: shapes, values against in-process Encode, headers, metrics and the OpenAPI document.</summary>
public sealed class RouteTests(TinyServer server) : IClassFixture<TinyServer>
{
    private static readonly string[] Mixed =
    [
        "short",
        "a somewhat longer sentence with several more words in it than the first",
        "medium length text here",
        "x y",
        "the longest of them all, written so that it has many word pieces and makes the batch pad a lot more than the others do",
        "again short",
    ];

    [Fact]
    public async Task OpenAiFloatAndBase64MatchEncodeInInputOrder()
    {
        var expected = server.Reference.Encode(Mixed).Vectors;
        var (status, body, response) = await server.Host.PostAsync("v1/embeddings", JsonSerializer.Serialize(new { input = Mixed, model = "tiny-sbert" }));
        Assert.Equal(200, status);
        Assert.Equal("list", body.GetProperty("object").GetString());
        Assert.Equal("tiny-sbert", body.GetProperty("model").GetString());
        var data = body.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(Mixed.Length, data.Count);
        Assert.All(data.Select((d, i) => (d, i)), p =>
        {
            Assert.Equal("embedding", p.d.GetProperty("object").GetString());
            Assert.Equal(p.i, p.d.GetProperty("index").GetInt32());
        });
        Vectors.AssertSame(expected, [.. data.Select(d => Vectors.Floats(d.GetProperty("embedding")))], 0.99999, "float");
        int tokens = body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
        Assert.Equal(Mixed.Sum(t => server.Reference.Tokenizer.Encode(t).Length), tokens);
        Assert.Equal(tokens, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        foreach (string header in new[] { "x-tokenization-time", "x-queue-time", "x-inference-time", "x-total-time" })
        {
            Assert.True(response.Headers.TryGetValues(header, out var values) && long.Parse(values.Single(), System.Globalization.CultureInfo.InvariantCulture) >= 0, header);
        }

        var (_, base64, _) = await server.Host.PostAsync("embeddings", JsonSerializer.Serialize(new { input = Mixed, encoding_format = "base64" }));
        var decoded = base64.GetProperty("data").EnumerateArray()
            .Select(d => MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(d.GetProperty("embedding").GetString()!)).ToArray()).ToList();
        Vectors.AssertSame(expected, decoded, 0.99999, "base64");
    }

    [Fact]
    public async Task TokenIdInputsEqualTheirTexts()
    {
        var (_, tokens, _) = await server.Host.PostAsync("tokenize", JsonSerializer.Serialize(new { inputs = Mixed[..2] }));
        int[][] ids = [.. tokens.EnumerateArray().Select(row => row.EnumerateArray().Select(t => t.GetProperty("id").GetInt32()).ToArray())];
        var (status, body, _) = await server.Host.PostAsync("v1/embeddings", JsonSerializer.Serialize(new { input = ids }));
        Assert.Equal(200, status);
        Vectors.AssertSame(server.Reference.Encode(Mixed[..2]).Vectors,
            [.. body.GetProperty("data").EnumerateArray().Select(d => Vectors.Floats(d.GetProperty("embedding")))], 0.99999, "token ids");
        var (single, singleBody, _) = await server.Host.PostAsync("embed", JsonSerializer.Serialize(new { inputs = ids[0] }));
        Assert.Equal(200, single);
        Assert.True(Vectors.Cosine(server.Reference.Encode(Mixed[0]), Vectors.Floats(singleBody[0])) >= 0.99999);
    }

    [Fact]
    public async Task TeiEmbedNormalizeAndDimensions()
    {
        var raw = server.Reference.Encode(Mixed, normalize: false).Vectors;
        var (_, body, _) = await server.Host.PostAsync("embed", JsonSerializer.Serialize(new { inputs = Mixed, normalize = false }));
        var vectors = body.EnumerateArray().Select(Vectors.Floats).ToList();
        for (int i = 0; i < raw.Length; i++)
        {
            // Unnormalized: the same vectors, lengths included.
            Assert.Equal(Math.Sqrt(raw[i].Sum(v => (double)v * v)), Math.Sqrt(vectors[i].Sum(v => (double)v * v)), 3);
        }
        var (_, cut, _) = await server.Host.PostAsync("embed", JsonSerializer.Serialize(new { inputs = Mixed[1], dimensions = 16 }));
        float[] vector = Vectors.Floats(cut[0]);
        Assert.Equal(16, vector.Length);
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => (double)v * v)), 5);
        Assert.True(Vectors.Cosine(raw[1].AsSpan(0, 16), vector) >= 0.99999);
    }

    [Fact]
    public async Task PromptNameEmbedsPromptPlusText()
    {
        var prompts = EmbeddingModelSource.ReadPrompts(ServingHost.TinyFolder);
        Assert.NotEmpty(prompts);
        var (name, prompt) = prompts.First();
        var (status, body, _) = await server.Host.PostAsync("embed", JsonSerializer.Serialize(new { inputs = "what is it", prompt_name = name }));
        Assert.Equal(200, status);
        Assert.True(Vectors.Cosine(server.Reference.Encode(prompt + "what is it"), Vectors.Floats(body[0])) >= 0.99999);
    }

    [Fact]
    public async Task TokenizeDecodeAndSimilarity()
    {
        var (status, tokens, _) = await server.Host.PostAsync("tokenize", "{\"inputs\": \"Hello world\"}");
        Assert.Equal(200, status);
        var row = tokens[0].EnumerateArray().ToList();
        Assert.True(row[0].GetProperty("special").GetBoolean());
        Assert.Equal("hello", row[1].GetProperty("text").GetString());
        Assert.Equal(0, row[1].GetProperty("start").GetInt32());
        Assert.Equal(5, row[1].GetProperty("stop").GetInt32());
        var ids = row.Select(t => t.GetProperty("id").GetInt32()).ToArray();
        var (_, decoded, _) = await server.Host.PostAsync("decode", JsonSerializer.Serialize(new { ids }));
        Assert.Equal("hello world", decoded[0].GetString());
        var (_, withSpecial, _) = await server.Host.PostAsync("decode", JsonSerializer.Serialize(new { ids = new[] { ids }, skip_special_tokens = false }));
        Assert.StartsWith("[CLS]", withSpecial[0].GetString(), StringComparison.Ordinal);

        var (simStatus, scores, _) = await server.Host.PostAsync("similarity",
            JsonSerializer.Serialize(new { inputs = new { source_sentence = Mixed[0], sentences = new[] { Mixed[0], Mixed[1] } } }));
        Assert.Equal(200, simStatus);
        Assert.Equal(1.0, scores[0].GetDouble(), 4);
        var reference = server.Reference.Encode(Mixed[..2]).Vectors;
        Assert.Equal(Vectors.Cosine(reference[0], reference[1]), scores[1].GetDouble(), 4);
    }

    [Fact]
    public async Task A_bfloat16_encoder_serves_close_embeddings_and_info_says_so()
    {
        using var encoder = SentenceEncoder.Load(ServingHost.TinyFolder);
        encoder.UseBFloat16();
        await using var host = await ServingHost.StartAsync(o => o.Models.Add(EmbeddingModelSource.FromEncoder(encoder, "tiny-bf16")));
        using var info = JsonDocument.Parse(await host.Client.GetStringAsync("info"));
        Assert.Equal("bfloat16", info.RootElement.GetProperty("dtype").GetString());
        Assert.Equal("none", info.RootElement.GetProperty("quantization").GetString());
        Assert.Equal("bfloat16", info.RootElement.GetProperty("models")[0].GetProperty("dtype").GetString());
        using var plainInfo = JsonDocument.Parse(await server.Host.Client.GetStringAsync("info"));
        Assert.Equal("float32", plainInfo.RootElement.GetProperty("dtype").GetString());
        var (status, body, response) = await host.PostAsync("embed", JsonSerializer.Serialize(new { inputs = Mixed[..4] }));
        response.Dispose();
        Assert.Equal(200, status);
        var reference = server.Reference.Encode(Mixed[..4]).Vectors;
        var served = body.EnumerateArray().Select(row => row.EnumerateArray().Select(e => e.GetSingle()).ToArray()).ToArray();
        for (int i = 0; i < reference.Length; i++)
        {
            Assert.True(Vectors.Cosine(reference[i], served[i]) >= 0.999, $"input {i}");
        }
    }

    [Fact]
    public async Task An_int8_encoder_serves_close_embeddings_and_info_says_so()
    {
        using var encoder = SentenceEncoder.Load(ServingHost.TinyFolder);
        encoder.QuantizeInt8();
        await using var host = await ServingHost.StartAsync(o => o.Models.Add(EmbeddingModelSource.FromEncoder(encoder, "tiny-int8")));
        using var info = JsonDocument.Parse(await host.Client.GetStringAsync("info"));
        Assert.Equal("int8", info.RootElement.GetProperty("quantization").GetString());
        Assert.Equal("int8", info.RootElement.GetProperty("models")[0].GetProperty("quantization").GetString());
        using var plainInfo = JsonDocument.Parse(await server.Host.Client.GetStringAsync("info"));
        Assert.Equal("none", plainInfo.RootElement.GetProperty("quantization").GetString());
        var (status, body, response) = await host.PostAsync("v1/embeddings", JsonSerializer.Serialize(new { input = Mixed[..4], model = "tiny-int8" }));
        response.Dispose();
        Assert.Equal(200, status);
        var reference = server.Reference.Encode(Mixed[..4]).Vectors;
        var served = body.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray()).ToArray();
        for (int i = 0; i < reference.Length; i++)
        {
            Assert.True(Vectors.Cosine(reference[i], served[i]) >= 0.98, $"input {i}");
        }
    }

    [Fact]
    public async Task InfoModelsHealthMetricsAndOpenApi()
    {
        using var info = JsonDocument.Parse(await server.Host.Client.GetStringAsync("info"));
        Assert.Equal("tiny-sbert", info.RootElement.GetProperty("model_id").GetString());
        Assert.Equal(64, info.RootElement.GetProperty("dimensions").GetInt32());
        Assert.Equal(TinyServer.MaxClientBatch, info.RootElement.GetProperty("max_client_batch_size").GetInt32());
        using var models = JsonDocument.Parse(await server.Host.Client.GetStringAsync("v1/models"));
        Assert.Equal("tiny-sbert", models.RootElement.GetProperty("data")[0].GetProperty("id").GetString());
        Assert.Equal("ok", await server.Host.Client.GetStringAsync("health"));
        Assert.Equal("ready", await server.Host.Client.GetStringAsync("ready"));
        await server.Host.PostAsync("embed", "{\"inputs\": \"count me\"}");
        string metrics = await server.Host.Client.GetStringAsync("metrics");
        foreach (string name in new[]
        {
            "manabi_requests_total{route=\"/embed\",status=\"200\"}", "manabi_tokenization_duration_seconds_count", "manabi_queue_duration_seconds_count",
            "manabi_inference_duration_seconds_count", "manabi_batch_size_count", "manabi_batch_tokens_count", "manabi_queue_length", "manabi_inflight_inputs",
        })
        {
            Assert.Contains(name, metrics, StringComparison.Ordinal);
        }
        using var openApi = JsonDocument.Parse(await server.Host.Client.GetStringAsync("openapi/v1.json"));
        var paths = openApi.RootElement.GetProperty("paths");
        foreach (string path in new[] { "/v1/embeddings", "/embed", "/tokenize", "/decode", "/similarity", "/info", "/health", "/ready" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }
        Assert.True(paths.GetProperty("/v1/embeddings").GetProperty("post").TryGetProperty("requestBody", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await server.Host.Client.GetAsync("nothing-here")).StatusCode);
    }

    [Fact]
    public async Task SeveralModelsAreChosenByName()
    {
        await using var host = await ServingHost.StartAsync(o =>
        {
            o.Models.Add(EmbeddingModelSource.FromFolder(ServingHost.TinyFolder, "first"));
            o.Models.Add(EmbeddingModelSource.FromFolder(ServingHost.TinyFolder, "second"));
        });
        var (status, body, _) = await host.PostAsync("v1/embeddings", "{\"input\": \"a\", \"model\": \"second\"}");
        Assert.Equal(200, status);
        Assert.Equal("second", body.GetProperty("model").GetString());
        var (_, first, _) = await host.PostAsync("v1/embeddings", "{\"input\": \"a\"}");
        Assert.Equal("first", first.GetProperty("model").GetString());
    }

    [Fact]
    public void OptionsNameTheOffendingLimit()
    {
        var options = new EmbeddingServerOptions { MaxClientBatchSize = 10, MaxConcurrentRequests = 5 };
        Assert.Contains("max-concurrent-requests", Assert.Throws<ArgumentException>(options.Validate).Message, StringComparison.Ordinal);
        Assert.Contains("max-batch-tokens", Assert.Throws<ArgumentException>(new EmbeddingServerOptions { MaxBatchTokens = 0 }.Validate).Message, StringComparison.Ordinal);
    }
}
