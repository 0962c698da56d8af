using Microsoft.Extensions.AI;

namespace Manabi.SentenceTransformers;

public sealed partial class SentenceEncoder : IEmbeddingGenerator<string, Embedding<float>>
{
    private EmbeddingGeneratorMetadata? _metadata;

    /// <summary>
    /// Microsoft.Extensions.AI: embeds the values (normalised, batch 32). <see cref="EmbeddingGenerationOptions.Dimensions"/>
    /// below the model's width keeps that many leading components, re-normalised (Matryoshka truncation).
    /// The encode runs on the thread pool, so an awaiting caller (a UI or request thread) is not blocked;
    /// <paramref name="cancellationToken"/> cancels it before it starts and between batches.
    /// </summary>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values as IReadOnlyList<string> ?? values.ToList();
        int dimension = options?.Dimensions ?? Dimension;
        if (dimension <= 0 || dimension > Dimension)
        {
            throw new ArgumentException($"this model gives {Dimension}-dimensional embeddings; {dimension} were asked for", nameof(options));
        }
        string? modelId = options?.ModelId ?? ModelId;
        // Encoding is CPU-bound work of seconds for large inputs: doing it here would block the caller's thread
        // inside what looks like an asynchronous call.
        return Task.Run(() =>
        {
            var encoded = Encode(texts, normalize: NormalizesEmbeddings ? null : true, cancellationToken: cancellationToken);
            var created = DateTimeOffset.UtcNow;
            var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
            foreach (float[] vector in encoded.Vectors)
            {
                float[] kept = dimension == vector.Length ? vector : Renormalized(vector.AsSpan(0, dimension));
                result.Add(new Embedding<float>(kept) { ModelId = modelId, CreatedAt = created });
            }
            return result;
        }, cancellationToken);
    }

    /// <summary>Microsoft.Extensions.AI: this object for its own type or <see cref="IEmbeddingGenerator"/>, metadata, else null.</summary>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }
        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return _metadata ??= new EmbeddingGeneratorMetadata("manabi", null, ModelId, Dimension);
        }
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    private static float[] Renormalized(ReadOnlySpan<float> head)
    {
        double norm = 0;
        foreach (float x in head)
        {
            norm += (double)x * x;
        }
        float scale = (float)(1.0 / Math.Max(Math.Sqrt(norm), 1e-12));
        float[] result = new float[head.Length];
        for (int i = 0; i < head.Length; i++)
        {
            result[i] = head[i] * scale;
        }
        return result;
    }
}
