using System.CommandLine;
using Manabi.SentenceTransformers;
using Manabi.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Manabi.Cli.Commands;

/// <summary><c>manabi serve</c>: the Manabi.Serving embedding server on Kestrel.</summary>
public static class ServeCommand
{
    /// <summary>Builds the <c>serve</c> command.</summary>
    public static Command Create()
    {
        var defaults = new EmbeddingServerOptions();
        var modelOption = new Option<string[]>("--model")
        {
            Description = SentenceModels.ModelHelp + " Repeat it to serve several models, chosen by the request's \"model\" " +
                "(the folder's name; the first is the default).",
        };
        var hostOption = new Option<string>("--host") { Description = "Address to bind (0.0.0.0: every interface).", DefaultValueFactory = _ => "127.0.0.1" };
        var portOption = new Option<int>("--port") { Description = "Port to bind (0: any free port, printed at start).", DefaultValueFactory = _ => 8080 };
        var keyOption = new Option<string?>("--api-key") { Description = "Require 'Authorization: Bearer KEY' on every route but /health, /ready and /metrics." };
        var concurrentOption = new Option<int>("--max-concurrent-requests")
        {
            Description = "Most inputs in flight over all requests; beyond it requests get 429 with Retry-After at once.",
            DefaultValueFactory = _ => defaults.MaxConcurrentRequests,
        };
        var tokensOption = new Option<int>("--max-batch-tokens")
        {
            Description = "Token budget of one forward pass (padded length x inputs).",
            DefaultValueFactory = _ => defaults.MaxBatchTokens,
        };
        var clientBatchOption = new Option<int>("--max-client-batch-size")
        {
            Description = "Most inputs in one request; more gets 413.",
            DefaultValueFactory = _ => defaults.MaxClientBatchSize,
        };
        var payloadOption = new Option<long>("--payload-limit")
        {
            Description = "Largest request body in bytes; more gets 413.",
            DefaultValueFactory = _ => defaults.PayloadLimit,
        };
        var quantizeOption = SentenceModels.QuantizeOption();
        var dtypeOption = SentenceModels.DtypeOption();
        var truncateOption = new Option<bool>("--auto-truncate")
        {
            Description = "true: cut inputs longer than the model's maximum length; false: answer them 422 (TEI's \"truncate\" overrides it).",
            Arity = ArgumentArity.ExactlyOne,
            DefaultValueFactory = _ => defaults.AutoTruncate,
        };
        var command = new Command("serve",
            "Serves sentence embeddings over HTTP: OpenAI's /v1/embeddings, text-embeddings-inference's /embed, /tokenize, /decode, " +
            "/similarity, with dynamic batching, limits, /metrics and /openapi/v1.json (docs/SERVE.md). Ctrl-C or SIGTERM stops " +
            "accepting, finishes the requests in flight and exits 0.")
        {
            modelOption, hostOption, portOption, keyOption, concurrentOption, tokensOption, clientBatchOption, payloadOption, truncateOption, quantizeOption, dtypeOption,
        };
        command.SetAction(CommandActions.GuardAsync(async (parseResult, output, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            int port = parseResult.GetValue(portOption);
            if (port is < 0 or > 65535)
            {
                throw new InputException($"--port {port}: must lie in [0, 65535].");
            }
            string host = parseResult.GetValue(hostOption)!;
            if (string.IsNullOrWhiteSpace(host) || host.Contains('/', StringComparison.Ordinal))
            {
                throw new InputException($"--host '{host}': give an address or a host name, such as 127.0.0.1 or 0.0.0.0.");
            }
            var configured = new EmbeddingServerOptions
            {
                ApiKey = parseResult.GetValue(keyOption),
                MaxConcurrentRequests = parseResult.GetValue(concurrentOption),
                MaxBatchTokens = parseResult.GetValue(tokensOption),
                MaxClientBatchSize = parseResult.GetValue(clientBatchOption),
                PayloadLimit = parseResult.GetValue(payloadOption),
                AutoTruncate = parseResult.GetValue(truncateOption),
            };
            if (configured.ApiKey is { Length: 0 })
            {
                throw new InputException("--api-key: must not be empty.");
            }
            try
            {
                configured.Validate();
            }
            catch (ArgumentException e)
            {
                throw new InputException($"--{e.Message}", e);
            }
            // Models load before the server starts, so that a bad folder is a one-line error and exit 2.
            var encoders = new List<SentenceEncoder>();
            try
            {
                string[] models = parseResult.GetValue(modelOption) is { Length: > 0 } named ? named : [null!];
                foreach (string? model in models)
                {
                    var encoder = SentenceModels.ForInference(SentenceModels.Load(model), parseResult.GetValue(quantizeOption), parseResult.GetValue(dtypeOption));
                    encoders.Add(encoder);
                    string? folder = SentenceModels.Resolve(model);
                    string name = folder is null ? DefaultSentenceModel.Name : Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
                    IReadOnlyDictionary<string, string> prompts;
                    try
                    {
                        prompts = folder is null ? new Dictionary<string, string>() : EmbeddingModelSource.ReadPrompts(folder);
                    }
                    catch (InvalidDataException e)
                    {
                        throw new InputException($"--model {model}: {e.Message}", e);
                    }
                    if (configured.Models.Any(m => m.Name == name))
                    {
                        throw new InputException($"--model {model}: a model named '{name}' is already served; give folders with distinct names.");
                    }
                    configured.Models.Add(EmbeddingModelSource.FromEncoder(encoder, name, prompts));
                }
                return await Serve(configured, host, port, error, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                encoders.ForEach(e => e.Dispose());
            }
        }));
        return command;
    }

    private static async Task<int> Serve(EmbeddingServerOptions configured, string host, int port, TextWriter error, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        // Logs go to stderr, like every other manabi diagnostic.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        // Kestrel drains in-flight requests first, then the batchers finish; both within the server's timeout.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = configured.ShutdownTimeout + TimeSpan.FromSeconds(5));
        builder.WebHost.UseUrls($"http://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = configured.PayloadLimit);
        builder.Services.AddManabiEmbeddings(o =>
        {
            o.ApiKey = configured.ApiKey;
            o.MaxConcurrentRequests = configured.MaxConcurrentRequests;
            o.MaxBatchTokens = configured.MaxBatchTokens;
            o.MaxClientBatchSize = configured.MaxClientBatchSize;
            o.PayloadLimit = configured.PayloadLimit;
            o.AutoTruncate = configured.AutoTruncate;
            foreach (var model in configured.Models)
            {
                o.Models.Add(model);
            }
        });
        await using var app = builder.Build();
        app.MapManabiEmbeddingApi();
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            // The models' warm-up may still run on the encoders the caller disposes next: stop the host first.
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            throw new InputException($"--host {host} --port {port}: cannot listen there ({e.Message}).", e);
        }
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        await error.WriteLineAsync($"manabi serve: listening on {string.Join(", ", addresses)} (models: {string.Join(", ", configured.Models.Select(m => m.Name))}); " +
            "GET /ready answers 200 once warmed up.").ConfigureAwait(false);
        var stopping = app.Lifetime.ApplicationStopping;
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
        try
        {
            await Task.Delay(Timeout.Infinite, either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C or SIGTERM: a graceful stop, not a cancelled command.
        }
        await error.WriteLineAsync("manabi serve: stopping; finishing the requests in flight.").ConfigureAwait(false);
        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await error.WriteLineAsync("manabi serve: stopped.").ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
