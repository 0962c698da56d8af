using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace Manabi.VectorData.Tests;

/// <summary>A temporary store directory deleted with its contents on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "manabi-vdata-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still be exiting; the folder is under /tmp.
        }
    }
}

public sealed class Hotel
{
    [VectorStoreKey]
    public int Id { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public string? Name { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public int Rating { get; set; }

    [VectorStoreData]
    public double? Price { get; set; }

    [VectorStoreData]
    public bool Open { get; set; }

    [VectorStoreData]
    public string[] Tags { get; set; } = [];

    [VectorStoreData]
    public List<string>? Amenities { get; set; }

    [VectorStoreData]
    public DateTime Built { get; set; }

    [VectorStoreData]
    public DateTimeOffset? Renovated { get; set; }

    [VectorStoreData]
    public Guid Code { get; set; }

    [VectorStoreVector(8)]
    public ReadOnlyMemory<float>? Embedding { get; set; }

    [VectorStoreVector(3, DistanceFunction = DistanceFunction.EuclideanDistance)]
    public float[]? Location { get; set; }

    public static List<Hotel> Make(int count, int seed = 1)
    {
        var random = new Random(seed);
        string[] tags = ["pool", "spa", "gym", "bar", "beach"];
        return Enumerable.Range(1, count).Select(i => new Hotel
        {
            Id = i,
            Name = i % 7 == 0 ? null : $"Hotel {i}",
            Rating = random.Next(1, 6),
            Price = i % 5 == 0 ? null : Math.Round(random.NextDouble() * 200, 2),
            Open = random.Next(2) == 0,
            Tags = tags.Where(_ => random.Next(3) == 0).ToArray(),
            Amenities = i % 4 == 0 ? null : [.. new[] { "wifi", "parking", "breakfast" }.Where(_ => random.Next(2) == 0)],
            Built = new DateTime(1950 + random.Next(70), 1 + random.Next(12), 1 + random.Next(28), 0, 0, 0, DateTimeKind.Utc).AddTicks(random.Next()),
            Renovated = i % 3 == 0 ? null : new DateTimeOffset(2000 + random.Next(24), 1 + random.Next(12), 1, 12, 0, 0, TimeSpan.FromHours(random.Next(-5, 6))),
            Code = new Guid(random.Next(), 1, 2, [3, 4, 5, 6, 7, 8, 9, (byte)i]),
            Embedding = RandomVector(random, 8),
            Location = i % 6 == 0 ? null : RandomVector(random, 3),
        }).ToList();
    }

    public static float[] RandomVector(Random random, int dimensions) =>
        Enumerable.Range(0, dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
}

/// <summary>A deterministic generator (character codes folded into the dimensions) that counts its calls.</summary>
internal sealed class CountingGenerator(int dimensions, float sign = 1f) : IEmbeddingGenerator<string, Embedding<float>>
{
    public int Calls { get; private set; }

    public int Values { get; private set; }

    public static float[] Embed(string text, int dimensions, float sign = 1f)
    {
        var vector = new float[dimensions];
        for (int i = 0; i < text.Length; i++)
        {
            vector[i % dimensions] += sign * ((text[i] % 17) - 8);
        }
        vector[0] += sign * 0.5f;
        return vector;
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        var list = values.ToList();
        Values += list.Count;
        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(list.Select(v => new Embedding<float>(Embed(v, dimensions, sign)))));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}

internal static class AsyncExtensions
{
    public static async Task<List<T>> ToListAsync<T>(this IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }
        return list;
    }
}
