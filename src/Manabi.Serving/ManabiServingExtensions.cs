using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Manabi.Serving;

/// <summary>
/// Hosts the Manabi embedding server in any ASP.NET Core app:
/// <c>builder.Services.AddManabiEmbeddings(o => o.Models.Add(EmbeddingModelSource.Default()))</c>, then
/// <c>app.MapManabiEmbeddingApi()</c>.
/// </summary>
public static class ManabiServingExtensions
{
    /// <summary>
    /// Registers the models (loaded in the background when the host starts, then warmed up; <c>/ready</c> answers 200
    /// from then on), the batchers, the metrics and the OpenAPI document.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configure">Sets the models and limits.</param>
    /// <exception cref="ArgumentException">An option is out of range (checked when the server is first resolved).</exception>
    public static IServiceCollection AddManabiEmbeddings(this IServiceCollection services, Action<EmbeddingServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<EmbeddingServerOptions>().Configure(o => configure?.Invoke(o)).PostConfigure(o => o.Validate());
        services.AddSingleton<ServingMetrics>();
        services.AddSingleton<ServerState>();
        services.AddSingleton<ServerRoutes>();
        services.AddHostedService<ModelHost>();
        services.AddOpenApi(o => o.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<RequestShape>().FirstOrDefault() is { } shape)
            {
                var schema = await context.GetOrCreateSchemaAsync(shape.Type, null, cancellationToken).ConfigureAwait(false);
                operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
                };
            }
        }));
        return services;
    }

    /// <summary>
    /// Maps the routes: OpenAI <c>POST /v1/embeddings</c>, <c>POST /embeddings</c>, <c>GET /v1/models</c>; TEI
    /// <c>POST /embed</c>, <c>/tokenize</c>, <c>/decode</c>, <c>/similarity</c>, <c>GET /info</c>; <c>GET /health</c>,
    /// <c>/ready</c>, <c>/metrics</c> (Prometheus) and <c>/openapi/v1.json</c>.
    /// </summary>
    /// <param name="endpoints">The app (or a route group).</param>
    public static IEndpointRouteBuilder MapManabiEmbeddingApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var routes = endpoints.ServiceProvider.GetRequiredService<ServerRoutes>();
        var metrics = endpoints.ServiceProvider.GetRequiredService<ServingMetrics>();

        // No Accepts metadata: it would make routing answer 415 to clients that send no JSON content type (curl -d),
        // which OpenAI's and TEI's servers accept; the request shapes reach the document through RequestShape metadata instead.
        RouteHandlerBuilder Map(string method, string pattern, ApiFamily family, bool open, Func<HttpContext, RequestTrace, Task> handler)
        {
            // A Delegate (not a RequestDelegate) so that the OpenAPI generator describes the endpoint.
            Delegate run = (HttpContext context) => routes.Guard(context, family, pattern, open, handler);
            return endpoints.MapMethods(pattern, [method], run);
        }

        foreach (string pattern in new[] { "/v1/embeddings", "/embeddings" })
        {
            Map("POST", pattern, ApiFamily.OpenAi, false, routes.OpenAiEmbeddings).WithMetadata(new RequestShape(typeof(EmbeddingsRequest)))
                .Produces<EmbeddingsResponse>()
                .Produces<OpenAiErrorBody>(StatusCodes.Status400BadRequest)
                .Produces<OpenAiErrorBody>(StatusCodes.Status401Unauthorized)
                .Produces<OpenAiErrorBody>(StatusCodes.Status404NotFound)
                .Produces<OpenAiErrorBody>(StatusCodes.Status413PayloadTooLarge)
                .Produces<OpenAiErrorBody>(StatusCodes.Status422UnprocessableEntity)
                .Produces<OpenAiErrorBody>(StatusCodes.Status429TooManyRequests)
                .WithSummary("OpenAI embeddings");
        }
        Map("GET", "/v1/models", ApiFamily.OpenAi, false, routes.OpenAiModels).WithSummary("OpenAI model list");
        Map("POST", "/embed", ApiFamily.Tei, false, routes.TeiEmbed).WithMetadata(new RequestShape(typeof(EmbedRequest))).Produces<float[][]>().Produces<TeiErrorBody>(StatusCodes.Status422UnprocessableEntity)
            .Produces<TeiErrorBody>(StatusCodes.Status413PayloadTooLarge).Produces<TeiErrorBody>(StatusCodes.Status429TooManyRequests)
            .WithSummary("TEI embeddings");
        Map("POST", "/tokenize", ApiFamily.Tei, false, routes.TeiTokenize).WithMetadata(new RequestShape(typeof(TokenizeRequest))).Produces<TokenItem[][]>().Produces<TeiErrorBody>(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("TEI tokenization");
        Map("POST", "/decode", ApiFamily.Tei, false, routes.TeiDecode).WithMetadata(new RequestShape(typeof(DecodeRequest))).Produces<string[]>().Produces<TeiErrorBody>(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("TEI decoding");
        Map("POST", "/similarity", ApiFamily.Tei, false, routes.TeiSimilarity).WithMetadata(new RequestShape(typeof(SimilarityRequest))).Produces<float[]>().Produces<TeiErrorBody>(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("TEI sentence similarity");
        Map("GET", "/info", ApiFamily.Tei, false, routes.TeiInfo).WithSummary("Model and limits");
        Map("GET", "/health", ApiFamily.Tei, true, routes.Health).WithSummary("Liveness");
        Map("GET", "/ready", ApiFamily.Tei, true, routes.Ready).WithSummary("Readiness: the model is loaded and warmed up");
        endpoints.MapMetrics("/metrics", metrics.Registry);
        endpoints.MapOpenApi();
        return endpoints;
    }
}

/// <summary>The JSON a route reads, for the OpenAPI document.</summary>
internal sealed record RequestShape(Type Type);
