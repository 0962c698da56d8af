using System.Globalization;
using System.Text;
using Manabi.TestSupport;

namespace Manabi.Vectors.Tests;

/// <summary>Small synthetic vector files and the committed fastText fixture, converted once per test run.</summary>
internal static class TestVectors
{
    private static readonly Lazy<string> FixtureStorePath = new(() =>
    {
        string source = Fixtures.Path("vectors", "fasttext-6k.vec.gz");
        string store = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"manabi-fixture-{Environment.ProcessId}.mwv");
        VectorStoreConverter.Convert(source, store, new VectorConvertOptions { BuildApproximateIndex = true });
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(store);
        return store;
    });

    private static readonly Lazy<VectorStore> Shared = new(() => VectorStore.Open(FixtureStorePath.Value));

    /// <summary>The fastText fixture (6,000 words x 100 dimensions trained on the shared corpus) with an HNSW graph.</summary>
    public static VectorStore Fixture => Shared.Value;

    public static string FixtureStore => FixtureStorePath.Value;

    /// <summary>Deterministic random keys and vectors (values in [-1, 1)).</summary>
    public static (string[] Keys, float[] Values) Random(int count, int dims, int seed)
    {
        var rng = new System.Random(seed);
        var keys = new string[count];
        var values = new float[count * dims];
        for (int i = 0; i < count; i++)
        {
            keys[i] = "w" + i.ToString(CultureInfo.InvariantCulture);
            for (int d = 0; d < dims; d++)
            {
                values[i * dims + d] = (float)(rng.NextDouble() * 2 - 1);
            }
        }
        return (keys, values);
    }

    public static string Word2VecText(IReadOnlyList<string> keys, float[] values, int dims, bool header = true)
    {
        var sb = new StringBuilder();
        if (header)
        {
            sb.Append(keys.Count).Append(' ').Append(dims).Append('\n');
        }
        for (int i = 0; i < keys.Count; i++)
        {
            sb.Append(keys[i]);
            for (int d = 0; d < dims; d++)
            {
                sb.Append(' ').Append(values[i * dims + d].ToString("R", CultureInfo.InvariantCulture));
            }
            sb.Append(" \n");
        }
        return sb.ToString();
    }

    public static byte[] Word2VecBinary(IReadOnlyList<string> keys, float[] values, int dims)
    {
        using var ms = new MemoryStream();
        ms.Write(Encoding.ASCII.GetBytes($"{keys.Count} {dims}\n"));
        for (int i = 0; i < keys.Count; i++)
        {
            ms.Write(Encoding.UTF8.GetBytes(keys[i] + " "));
            ms.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan(i * dims, dims)));
            ms.WriteByte((byte)'\n');
        }
        return ms.ToArray();
    }

    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, b);
}
