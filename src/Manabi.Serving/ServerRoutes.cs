using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Manabi.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Manabi.Serving;

/// <summary>The route handlers: parsing, admission, tokenization, batching, and errors in each API's shape.</summary>
internal sealed class ServerRoutes(ServerState state, ILogger<ServerRoutes> logger)
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };
    private readonly byte[]? _key = state.Options.ApiKey is { } key ? Encoding.UTF8.GetBytes(key) : null;

    /// <summary>Runs <paramref name="handler"/> with the API key check, error mapping, metrics and the log line around it.</summary>
    public async Task Guard(HttpContext context, ApiFamily family, string route, bool open, Func<HttpContext, RequestTrace, Task> handler)
    {
        var trace = new RequestTrace();
        int status = 0;
        try
        {
            if (!open)
            {
                Authorize(context);
            }
            await handler(context, trace).ConfigureAwait(false);
            status = context.Response.StatusCode;
        }
        catch (ApiError e)
        {
            status = e.Status;
            await WriteError(context, family, e).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody reads an answer. 499 as nginx logs it.
            status = 499;
        }
        catch (Exception e)
        {
            status = 500;
            logger.LogError(e, "{Method} {Path} failed: {Message}", context.Request.Method, context.Request.Path, e.Message);
            await WriteError(context, family, new ApiError(500, $"Internal error: {e.Message}", code: "internal_error")).ConfigureAwait(false);
        }
        finally
        {
            string code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            state.Metrics.Requests.WithLabels(route, code).Inc();
            state.Metrics.RequestDuration.WithLabels(route).Observe(Stopwatch.GetElapsedTime(trace.Start).TotalSeconds);
            if (state.Options.LogRequests && logger.IsEnabled(LogLevel.Information))
            {
                logger.LogInformation(
                    "{Method} {Path} {Status} model={Model} inputs={Inputs} tokens={Tokens} tokenize_ms={TokenizeMs:F2} queue_ms={QueueMs:F2} inference_ms={InferenceMs:F2} total_ms={TotalMs:F2}",
                    context.Request.Method, context.Request.Path.Value, status, trace.Model ?? "-", trace.Inputs, trace.Tokens,
                    trace.TokenizeMs, trace.QueueMs, trace.InferenceMs, trace.TotalMs);
            }
        }
    }

    private void Authorize(HttpContext context)
    {
        if (_key is null)
        {
            return;
        }
        string? header = context.Request.Headers.Authorization;
        const string Bearer = "Bearer ";
        if (header is null || !header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiError(401, "Missing API key: send 'Authorization: Bearer KEY'.", code: "invalid_api_key");
        }
        var given = Encoding.UTF8.GetBytes(header[Bearer.Length..].Trim());
        if (!CryptographicOperations.FixedTimeEquals(given, _key))
        {
            throw new ApiError(401, "Incorrect API key.", code: "invalid_api_key");
        }
    }

    private static async Task WriteError(HttpContext context, ApiFamily family, ApiError error)
    {
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        context.Response.Clear();
        context.Response.StatusCode = error.Status;
        if (error.RetryAfter is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (error.Code == "shutting_down")
        {
            // The connection is not kept for a next request that would meet the closing listener.
            context.Response.Headers.Connection = "close";
        }
        context.Response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        // Relaxed escaping: messages quote inputs and names ('x'), and the body is JSON, never HTML.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (family == ApiFamily.OpenAi)
            {
                json.WriteStartObject("error");
                json.WriteString("message", error.Message);
                json.WriteString("type", error.OpenAiType);
                json.WriteString("param", error.Param);
                json.WriteString("code", error.Code);
                json.WriteEndObject();
            }
            else
            {
                json.WriteString("error", error.Message);
                json.WriteString("error_type", error.TeiType);
            }
            json.WriteEndObject();
        }
        await context.Response.Body.WriteAsync(buffer.ToArray(), CancellationToken.None).ConfigureAwait(false);
    }

    // ---- embedding core ----

    /// <summary>Tokenizes, admits, queues and waits; vectors in input order.</summary>
    private async Task<float[][]> Embed(HttpContext context, RequestTrace trace, ServedModel model, List<string>? texts, List<int[]>? ids,
        string field, bool truncate, TruncationDirection direction, string? prompt, bool normalize, int dimensions)
    {
        int count = texts?.Count ?? ids!.Count;
        trace.Model = model.Name;
        trace.Inputs = count;
        using var admission = state.Admit(count);
        long start = Stopwatch.GetTimestamp();
        int[][] rows = new int[count][];
        if (texts is not null)
        {
            // Large requests tokenize on several cores; the batcher's workers keep running meanwhile.
            if (count >= 16)
            {
                string? failed = null;
                Parallel.For(0, count, i =>
                {
                    rows[i] = model.Tokenize(texts[i], truncate, direction, prompt)!;
                    if (rows[i] is null)
                    {
                        Interlocked.CompareExchange(ref failed, $"{field}[{i}]", null);
                    }
                });
                if (failed is not null)
                {
                    throw TooLong(failed, model);
                }
            }
            else
            {
                for (int i = 0; i < count; i++)
                {
                    rows[i] = model.Tokenize(texts[i], truncate, direction, prompt) ?? throw TooLong(count == 1 && field == "input" ? field : $"{field}[{i}]", model);
                }
            }
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                int[] row = ids![i];
                if (row.Length > model.MaxLength)
                {
                    rows[i] = truncate ? row[..model.MaxLength] : throw TooLong($"{field}[{i}]", model);
                }
                else
                {
                    rows[i] = row;
                }
            }
        }
        trace.Tokens = rows.Sum(r => r.Length);
        trace.TokenizeMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        state.Metrics.Tokenization.WithLabels(model.Name).Observe(trace.TokenizeMs / 1000);
        var job = new EmbeddingJob(count, normalize, dimensions, context.RequestAborted);
        await model.Batcher.Submit(job, rows).ConfigureAwait(false);
        trace.QueueMs = Stopwatch.GetElapsedTime(job.Enqueued, job.FirstStart).TotalMilliseconds;
        trace.InferenceMs = Stopwatch.GetElapsedTime(job.FirstStart, job.LastEnd).TotalMilliseconds;
        return job.Results;
    }

    private static ApiError TooLong(string field, ServedModel model) =>
        new(422, $"{field}: the input is longer than the model's maximum of {model.MaxLength} tokens; shorten it, or truncate " +
            "(TEI: \"truncate\": true; server: --auto-truncate true).", field, "context_length_exceeded");

    private static async Task WriteJson(HttpContext context, Action<Utf8JsonWriter> write)
    {
        context.Response.ContentType = "application/json";
        using (var json = new Utf8JsonWriter(context.Response.BodyWriter, WriterOptions))
        {
            write(json);
        }
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    // ---- OpenAI ----

    public async Task OpenAiEmbeddings(HttpContext context, RequestTrace trace)
    {
        using var document = await RequestJson.ReadAsync(context, state.Options.PayloadLimit).ConfigureAwait(false);
        var body = document.RootElement;
        var model = state.Resolve(RequestJson.OptionalString(body, "model"));
        var (texts, ids) = RequestJson.Inputs(body, "input", state.Options.MaxClientBatchSize, model.VocabularySize);
        string format = RequestJson.OptionalString(body, "encoding_format") ?? "float";
        if (format is not ("float" or "base64"))
        {
            throw ApiError.Invalid("encoding_format", $"'{format}' is neither 'float' nor 'base64'.");
        }
        int dimensions = RequestJson.Dimensions(body, model.Dimension);
        var vectors = await Embed(context, trace, model, texts, ids, "input", state.Options.AutoTruncate, TruncationDirection.Right, null,
            model.NormalizesByDefault, dimensions).ConfigureAwait(false);
        trace.WriteHeaders(context.Response);
        await WriteJson(context, json =>
        {
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            for (int i = 0; i < vectors.Length; i++)
            {
                json.WriteStartObject();
                json.WriteString("object", "embedding");
                json.WriteNumber("index", i);
                if (format == "base64")
                {
                    // Little-endian float32, as OpenAI sends it (every platform .NET runs this on is little-endian).
                    json.WriteBase64String("embedding", MemoryMarshal.AsBytes(vectors[i].AsSpan()));
                }
                else
                {
                    json.WriteStartArray("embedding");
                    foreach (float v in vectors[i])
                    {
                        json.WriteNumberValue(v);
                    }
                    json.WriteEndArray();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteString("model", model.Name);
            json.WriteStartObject("usage");
            json.WriteNumber("prompt_tokens", trace.Tokens);
            json.WriteNumber("total_tokens", trace.Tokens);
            json.WriteEndObject();
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    public Task OpenAiModels(HttpContext context, RequestTrace trace) => WriteJson(context, json =>
    {
        json.WriteStartObject();
        json.WriteString("object", "list");
        json.WriteStartArray("data");
        foreach (var model in ModelsSnapshot())
        {
            json.WriteStartObject();
            json.WriteString("id", model.Name);
            json.WriteString("object", "model");
            json.WriteNumber("created", 0);
            json.WriteString("owned_by", "manabi");
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    });

    private List<ServedModel> ModelsSnapshot()
    {
        lock (state.Models)
        {
            return [.. state.Models];
        }
    }

    // ---- TEI ----

    private (bool Truncate, TruncationDirection Direction, string? Prompt) TeiTokenOptions(JsonElement body, ServedModel model)
    {
        bool truncate = RequestJson.OptionalBool(body, "truncate") ?? state.Options.AutoTruncate;
        var direction = RequestJson.Direction(body);
        string? promptName = RequestJson.OptionalString(body, "prompt_name");
        string? prompt = null;
        if (promptName is not null && !model.Prompts.TryGetValue(promptName, out prompt))
        {
            throw ApiError.Invalid("prompt_name", model.Prompts.Count == 0
                ? $"'{promptName}': the model defines no prompts."
                : $"'{promptName}' is not one of the model's prompts ({string.Join(", ", model.Prompts.Keys)}).");
        }
        return (truncate, direction, prompt);
    }

    public async Task TeiEmbed(HttpContext context, RequestTrace trace)
    {
        using var document = await RequestJson.ReadAsync(context, state.Options.PayloadLimit).ConfigureAwait(false);
        var body = document.RootElement;
        var model = state.Resolve(RequestJson.OptionalString(body, "model"));
        var (texts, ids) = RequestJson.Inputs(body, "inputs", state.Options.MaxClientBatchSize, model.VocabularySize);
        bool normalize = RequestJson.OptionalBool(body, "normalize") ?? true;
        int dimensions = RequestJson.Dimensions(body, model.Dimension);
        var (truncate, direction, prompt) = TeiTokenOptions(body, model);
        var vectors = await Embed(context, trace, model, texts, ids, "inputs", truncate, direction, prompt, normalize, dimensions).ConfigureAwait(false);
        trace.WriteHeaders(context.Response);
        await WriteJson(context, json =>
        {
            json.WriteStartArray();
            foreach (var vector in vectors)
            {
                json.WriteStartArray();
                foreach (float v in vector)
                {
                    json.WriteNumberValue(v);
                }
                json.WriteEndArray();
            }
            json.WriteEndArray();
        }).ConfigureAwait(false);
    }

    public async Task TeiSimilarity(HttpContext context, RequestTrace trace)
    {
        using var document = await RequestJson.ReadAsync(context, state.Options.PayloadLimit).ConfigureAwait(false);
        var body = document.RootElement;
        var model = state.Resolve(RequestJson.OptionalString(body, "model"));
        if (!RequestJson.TryGet(body, "inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.Invalid("inputs", "must be an object {\"source_sentence\": string, \"sentences\": [string, ...]}.");
        }
        string source = RequestJson.OptionalString(inputs, "source_sentence") is { Length: > 0 } s ? s
            : throw ApiError.Empty("inputs.source_sentence", "is required and must not be empty.");
        if (!RequestJson.TryGet(inputs, "sentences", out var sentences) || sentences.ValueKind != JsonValueKind.Array)
        {
            throw ApiError.Invalid("inputs.sentences", "is required: an array of strings.");
        }
        var (texts, _) = RequestJson.Inputs(inputs, "sentences", state.Options.MaxClientBatchSize - 1, int.MaxValue);
        if (texts is null)
        {
            throw ApiError.Invalid("inputs.sentences", "must be an array of strings.");
        }
        var (truncate, direction, prompt) = TeiTokenOptions(body, model);
        var vectors = await Embed(context, trace, model, [source, .. texts], null, "inputs.sentences", truncate, direction, prompt, true, 0).ConfigureAwait(false);
        trace.WriteHeaders(context.Response);
        await WriteJson(context, json =>
        {
            json.WriteStartArray();
            for (int i = 1; i < vectors.Length; i++)
            {
                double dot = 0;
                for (int d = 0; d < vectors[0].Length; d++)
                {
                    dot += (double)vectors[0][d] * vectors[i][d];
                }
                json.WriteNumberValue((float)dot);
            }
            json.WriteEndArray();
        }).ConfigureAwait(false);
    }

    public async Task TeiTokenize(HttpContext context, RequestTrace trace)
    {
        using var document = await RequestJson.ReadAsync(context, state.Options.PayloadLimit).ConfigureAwait(false);
        var body = document.RootElement;
        var model = state.Resolve(RequestJson.OptionalString(body, "model"));
        var (texts, _) = RequestJson.Inputs(body, "inputs", state.Options.MaxClientBatchSize, int.MaxValue);
        if (texts is null)
        {
            throw ApiError.Invalid("inputs", "must be a string or an array of strings.");
        }
        bool special = RequestJson.OptionalBool(body, "add_special_tokens") ?? true;
        var (_, _, prompt) = TeiTokenOptions(body, model);
        trace.Model = model.Name;
        trace.Inputs = texts.Count;
        await WriteJson(context, json =>
        {
            json.WriteStartArray();
            foreach (string raw in texts)
            {
                string text = prompt is null ? raw : prompt + raw;
                var encoding = model.Tokenizer.Encode(text, special);
                var offsets = encoding.GetCodePointOffsets(text);
                trace.Tokens += encoding.Length;
                json.WriteStartArray();
                for (int t = 0; t < encoding.Length; t++)
                {
                    json.WriteStartObject();
                    json.WriteNumber("id", encoding.Ids[t]);
                    json.WriteString("text", encoding.Tokens[t]);
                    json.WriteBoolean("special", encoding.SpecialTokensMask[t] == 1);
                    if (encoding.SpecialTokensMask[t] == 1)
                    {
                        json.WriteNull("start");
                        json.WriteNull("stop");
                    }
                    else
                    {
                        json.WriteNumber("start", offsets[t].Start);
                        json.WriteNumber("stop", offsets[t].End);
                    }
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteEndArray();
        }).ConfigureAwait(false);
    }

    public async Task TeiDecode(HttpContext context, RequestTrace trace)
    {
        using var document = await RequestJson.ReadAsync(context, state.Options.PayloadLimit).ConfigureAwait(false);
        var body = document.RootElement;
        var model = state.Resolve(RequestJson.OptionalString(body, "model"));
        var (texts, rows) = RequestJson.Inputs(body, "ids", state.Options.MaxClientBatchSize, model.VocabularySize);
        if (rows is null)
        {
            throw ApiError.Invalid("ids", $"must be an array of token ids or an array of such arrays, not strings ({texts!.Count}).");
        }
        bool skip = RequestJson.OptionalBool(body, "skip_special_tokens") ?? true;
        trace.Model = model.Name;
        trace.Inputs = rows.Count;
        await WriteJson(context, json =>
        {
            json.WriteStartArray();
            foreach (var row in rows)
            {
                json.WriteStringValue(model.Tokenizer.Decode(row, skip));
            }
            json.WriteEndArray();
        }).ConfigureAwait(false);
    }

    public Task TeiInfo(HttpContext context, RequestTrace trace)
    {
        var models = ModelsSnapshot();
        var options = state.Options;
        return WriteJson(context, json =>
        {
            json.WriteStartObject();
            var first = models.FirstOrDefault();
            json.WriteString("model_id", first?.Name);
            json.WriteString("model_type", "embedding");
            json.WriteString("version", typeof(ServerRoutes).Assembly.GetName().Version?.ToString());
            json.WriteBoolean("ready", state.Ready);
            json.WriteNumber("max_concurrent_requests", options.MaxConcurrentRequests);
            json.WriteNumber("max_batch_tokens", options.MaxBatchTokens);
            json.WriteNumber("max_client_batch_size", options.MaxClientBatchSize);
            json.WriteNumber("payload_limit", options.PayloadLimit);
            json.WriteBoolean("auto_truncate", options.AutoTruncate);
            if (first is not null)
            {
                json.WriteNumber("max_input_length", first.MaxLength);
                json.WriteNumber("dimensions", first.Dimension);
                json.WriteString("pooling", first.Encoder.Pooling.Mode.ToString());
                json.WriteString("quantization", first.Encoder.IsQuantized ? "int8" : "none");
                json.WriteString("dtype", first.Encoder.IsBFloat16 ? "bfloat16" : "float32");
            }
            json.WriteStartArray("models");
            foreach (var model in models)
            {
                json.WriteStartObject();
                json.WriteString("id", model.Name);
                json.WriteNumber("dimensions", model.Dimension);
                json.WriteNumber("max_input_length", model.MaxLength);
                json.WriteString("pooling", model.Encoder.Pooling.Mode.ToString());
                json.WriteBoolean("normalized", model.NormalizesByDefault);
                json.WriteString("quantization", model.Encoder.IsQuantized ? "int8" : "none");
                json.WriteString("dtype", model.Encoder.IsBFloat16 ? "bfloat16" : "float32");
                json.WriteStartArray("prompts");
                foreach (string name in model.Prompts.Keys)
                {
                    json.WriteStringValue(name);
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    public async Task Health(HttpContext context, RequestTrace trace)
    {
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync("ok", context.RequestAborted).ConfigureAwait(false);
    }

    public async Task Ready(HttpContext context, RequestTrace trace)
    {
        if (!state.Ready)
        {
            state.EnsureServing();
        }
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync("ready", context.RequestAborted).ConfigureAwait(false);
    }
}
