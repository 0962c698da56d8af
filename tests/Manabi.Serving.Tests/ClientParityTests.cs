using System.ClientModel;
using System.Text.Json;
using Manabi.SentenceTransformers;
using Manabi.TestSupport;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Embeddings;

namespace Manabi.Serving.Tests;

/// <summary>The embedded all-MiniLM-L6-v2 served on loopback, and the same model in-process for reference.</summary>
public sealed class MiniLmServer : IAsyncLifetime
{
    public const string Key = "test-key";

    internal ServingHost Host { get; private set; } = null!;

    public SentenceEncoder Reference { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Reference = DefaultSentenceModel.Load();
        Host = await ServingHost.StartAsync(o =>
        {
            o.Models.Add(EmbeddingModelSource.Default());
            o.ApiKey = Key;
        });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Reference.Dispose();
    }
}

/// <summary>Real OpenAI clients (.NET SDK, Microsoft.Extensions.AI, the npm package) get in-process Encode's vectors.</summary>
public sealed class ClientParityTests(MiniLmServer server) : IClassFixture<MiniLmServer>
{
    private static readonly string[] Texts =
    [
        "The cat sits on the mat.",
        "A quick brown fox jumps over the lazy dog near the river bank, while the farmer watches from the porch.",
        "Embeddings map sentences to vectors.",
        "Bonjour, comment ça va ?",
        "x",
    ];

    private EmbeddingClient Client() => new(DefaultSentenceModel.Name, new ApiKeyCredential(MiniLmServer.Key),
        new OpenAIClientOptions { Endpoint = new Uri(server.Host.BaseAddress, "v1") });

    [Fact]
    public async Task OpenAiDotNetSdkSendsBase64AndGetsInProcessVectors()
    {
        OpenAIEmbeddingCollection result = await Client().GenerateEmbeddingsAsync(Texts);
        var expected = server.Reference.Encode(Texts).Vectors;
        Vectors.AssertSame(expected, [.. result.Select(e => e.ToFloats().ToArray())], 0.99999, "OpenAI .NET SDK");
        Assert.Equal(DefaultSentenceModel.Name, result.Model);
        Assert.True(result.Usage.InputTokenCount > Texts.Length);
    }

    [Fact]
    public async Task OpenAiSdkDimensionsCutAndRenormalize()
    {
        OpenAIEmbedding result = await Client().GenerateEmbeddingAsync(Texts[0], new OpenAI.Embeddings.EmbeddingGenerationOptions { Dimensions = 64 });
        float[] full = server.Reference.Encode(Texts[0]);
        float[] cut = result.ToFloats().ToArray();
        Assert.Equal(64, cut.Length);
        Assert.Equal(1.0, Math.Sqrt(cut.Sum(v => (double)v * v)), 5);
        Assert.True(Vectors.Cosine(full.AsSpan(0, 64), cut) >= 0.99999);
    }

    [Fact]
    public async Task ExtensionsAiEmbeddingGeneratorGetsInProcessVectors()
    {
        IEmbeddingGenerator<string, Embedding<float>> generator = Client().AsIEmbeddingGenerator();
        var result = await generator.GenerateAsync(Texts);
        var expected = server.Reference.Encode(Texts).Vectors;
        Vectors.AssertSame(expected, [.. result.Select(e => e.Vector.ToArray())], 0.99999, "Microsoft.Extensions.AI.OpenAI");
    }

    [Fact]
    public void OpenAiNpmClientGetsInProcessVectors()
    {
        string folder = Path.Combine(Fixtures.RepositoryRoot, "tests", "Manabi.Serving.Tests", "node");
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules", "openai")),
            $"the openai npm package is not installed in {folder}/node_modules: run build/ensure-prerequisites.sh --tests (it runs npm ci there).");
        string stdout = NodeScript.Run(folder,
            ["embed.mjs", new Uri(server.Host.BaseAddress, "v1").ToString(), DefaultSentenceModel.Name, MiniLmServer.Key, .. Texts],
            TimeSpan.FromSeconds(60));
        using var document = JsonDocument.Parse(stdout);
        var vectors = document.RootElement.GetProperty("vectors").EnumerateArray().Select(Vectors.Floats).ToList();
        Vectors.AssertSame(server.Reference.Encode(Texts).Vectors, vectors, 0.99999, "openai npm client");
        Assert.Equal(DefaultSentenceModel.Name, document.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task SdkWithoutTheKeyGets401InOpenAiShape()
    {
        var client = new EmbeddingClient(DefaultSentenceModel.Name, new ApiKeyCredential("wrong"),
            new OpenAIClientOptions { Endpoint = new Uri(server.Host.BaseAddress, "v1") });
        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.GenerateEmbeddingAsync("hello"));
        Assert.Equal(401, error.Status);
        Assert.Contains("Incorrect API key", error.Message, StringComparison.Ordinal);
    }
}
