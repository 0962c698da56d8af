using System.Net;
using System.Text;
using System.Text.Json;

namespace Manabi.Serving.Tests;

/// <summary>Every refusal, with its status and the error shape of its route's API.</summary>
public sealed class ErrorTests(TinyServer server) : IClassFixture<TinyServer>
{
    private static string LongText => string.Join(' ', Enumerable.Repeat("word", 300));

    private static void AssertOpenAi(JsonElement body, string? param, string? code = null)
    {
        var error = body.GetProperty("error");
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrEmpty(error.GetProperty("type").GetString()));
        Assert.Equal(param, error.GetProperty("param").GetString());
        if (code is not null)
        {
            Assert.Equal(code, error.GetProperty("code").GetString());
        }
        Assert.True(error.TryGetProperty("code", out _));
    }

    private static void AssertTei(JsonElement body, string errorType, string? mentions = null)
    {
        Assert.Equal(errorType, body.GetProperty("error_type").GetString());
        string message = body.GetProperty("error").GetString()!;
        if (mentions is not null)
        {
            Assert.Contains(mentions, message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("v1/embeddings")]
    [InlineData("embeddings")]
    public async Task MalformedJsonIs400InOpenAiShape(string route)
    {
        var (status, body, _) = await server.Host.PostAsync(route, "{\"input\": ");
        Assert.Equal(400, status);
        AssertOpenAi(body, null, "invalid_json");
    }

    [Fact]
    public async Task MalformedJsonIs400InTeiShape()
    {
        var (status, body, _) = await server.Host.PostAsync("embed", "{bad");
        Assert.Equal(400, status);
        AssertTei(body, "Validation", "not valid JSON");
    }

    [Theory]
    [InlineData("{\"input\": 5}", "input")]
    [InlineData("{\"input\": [\"a\", 3]}", "input[1]")]
    [InlineData("{\"input\": [[1, \"x\"]]}", "input[0][1]")]
    [InlineData("{\"input\": \"a\", \"encoding_format\": \"hex\"}", "encoding_format")]
    [InlineData("{\"input\": \"a\", \"dimensions\": 0}", "dimensions")]
    [InlineData("{\"input\": \"a\", \"dimensions\": 65}", "dimensions")]
    [InlineData("{\"input\": \"a\", \"dimensions\": \"8\"}", "dimensions")]
    [InlineData("{\"input\": \"a\", \"model\": 3}", "model")]
    [InlineData("{\"input\": [[999999]]}", "input[0][0]")]
    [InlineData("{}", "input")]
    public async Task WrongTypesAndValuesAre422NamingTheField(string json, string param)
    {
        var (status, body, _) = await server.Host.PostAsync("v1/embeddings", json);
        Assert.Equal(422, status);
        AssertOpenAi(body, param);
        Assert.Contains(param, body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyThatIsNotAnObjectIs422()
    {
        var (status, body, _) = await server.Host.PostAsync("embed", "[1, 2]");
        Assert.Equal(422, status);
        AssertTei(body, "Validation", "JSON object");
    }

    [Theory]
    [InlineData("{\"input\": []}")]
    [InlineData("{\"input\": \"\"}")]
    [InlineData("{\"input\": [\"a\", \"\"]}")]
    [InlineData("{\"input\": [[]]}")]
    public async Task EmptyInputIs422(string json)
    {
        var (status, body, _) = await server.Host.PostAsync("v1/embeddings", json);
        Assert.Equal(422, status);
        AssertOpenAi(body, body.GetProperty("error").GetProperty("param").GetString(), "empty");
        var (teiStatus, teiBody, _) = await server.Host.PostAsync("embed", json.Replace("\"input\"", "\"inputs\"", StringComparison.Ordinal));
        Assert.Equal(422, teiStatus);
        AssertTei(teiBody, "Empty");
    }

    [Fact]
    public async Task MoreInputsThanTheClientBatchLimitIs413()
    {
        string inputs = JsonSerializer.Serialize(Enumerable.Range(0, TinyServer.MaxClientBatch + 1).Select(i => $"text {i}"));
        var (status, body, _) = await server.Host.PostAsync("v1/embeddings", $"{{\"input\": {inputs}}}");
        Assert.Equal(413, status);
        AssertOpenAi(body, "input", "too_many_inputs");
        var (teiStatus, teiBody, _) = await server.Host.PostAsync("embed", $"{{\"inputs\": {inputs}}}");
        Assert.Equal(413, teiStatus);
        AssertTei(teiBody, "Validation", "max-client-batch-size");
    }

    [Fact]
    public async Task BodyOverThePayloadLimitIs413()
    {
        string big = $"{{\"input\": \"{new string('a', (int)TinyServer.PayloadLimit)}\"}}";
        var (status, body, _) = await server.Host.PostAsync("v1/embeddings", big);
        Assert.Equal(413, status);
        AssertOpenAi(body, null, "payload_too_large");
        // Chunked, so the server finds out while reading rather than from Content-Length.
        using var request = new HttpRequestMessage(HttpMethod.Post, "embed")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big.Replace("\"input\"", "\"inputs\"", StringComparison.Ordinal)))),
        };
        request.Headers.TransferEncodingChunked = true;
        using var response = await server.Host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        AssertTei(document.RootElement, "Validation", "payload limit");
    }

    [Fact]
    public async Task InputOverTheMaxLengthIs422UnlessTruncated()
    {
        var (status, body, _) = await server.Host.PostAsync("v1/embeddings", JsonSerializer.Serialize(new { input = LongText }));
        Assert.Equal(422, status);
        AssertOpenAi(body, "input", "context_length_exceeded");
        var (teiStatus, teiBody, _) = await server.Host.PostAsync("embed", JsonSerializer.Serialize(new { inputs = new[] { "short", LongText } }));
        Assert.Equal(422, teiStatus);
        AssertTei(teiBody, "Validation", "inputs[1]");
        var (cut, cutBody, _) = await server.Host.PostAsync("embed", JsonSerializer.Serialize(new { inputs = LongText, truncate = true }));
        Assert.Equal(200, cut);
        // Truncated as in-process Encode truncates.
        Assert.True(Vectors.Cosine(server.Reference.Encode(LongText), Vectors.Floats(cutBody[0])) >= 0.99999);
        var (left, leftBody, _) = await server.Host.PostAsync("embed",
            JsonSerializer.Serialize(new { inputs = "start " + LongText, truncate = true, truncation_direction = "Left" }));
        Assert.Equal(200, left);
        Assert.Equal(64, leftBody[0].GetArrayLength());
    }

    [Fact]
    public async Task UnknownModelIs404InOpenAiShape()
    {
        var (status, body, _) = await server.Host.PostAsync("v1/embeddings", "{\"input\": \"a\", \"model\": \"gpt-9\"}");
        Assert.Equal(404, status);
        AssertOpenAi(body, "model", "model_not_found");
    }

    [Fact]
    public async Task UnknownPromptNameIs422()
    {
        var (status, body, _) = await server.Host.PostAsync("embed", "{\"inputs\": \"a\", \"prompt_name\": \"nope\"}");
        Assert.Equal(422, status);
        AssertTei(body, "Validation", "prompt_name");
    }

    [Fact]
    public async Task ApiKeyIsRequiredExceptOnHealthReadyAndMetrics()
    {
        await using var host = await ServingHost.StartTinyAsync(o => o.ApiKey = "sesame");
        var (missing, missingBody, _) = await host.PostAsync("v1/embeddings", "{\"input\": \"a\"}");
        Assert.Equal(401, missing);
        AssertOpenAi(missingBody, null, "invalid_api_key");
        var (wrong, wrongBody, _) = await host.PostAsync("embed", "{\"inputs\": \"a\"}", key: "open");
        Assert.Equal(401, wrong);
        AssertTei(wrongBody, "Unauthorized");
        var (right, _, _) = await host.PostAsync("embed", "{\"inputs\": \"a\"}", key: "sesame");
        Assert.Equal(200, right);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.GetAsync("info")).StatusCode);
        foreach (string open in new[] { "health", "ready", "metrics" })
        {
            Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync(open)).StatusCode);
        }
    }
}
