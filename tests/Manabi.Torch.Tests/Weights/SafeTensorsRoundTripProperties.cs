using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using CsCheck;
using Manabi.TestSupport;
using Manabi.Torch.Runtime;
using Manabi.Torch.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Torch.Tests.Weights;

/// <summary>
/// Property: any set of tensors (names of any characters, dtypes float32/64, float16, bfloat16, int8/16/32/64, uint8
/// and bool, shapes of rank 0 to 3 with empty dimensions allowed) and any string metadata written by SafeTensors.Write
/// read back by SafeTensors.Read as the same names, dtypes, shapes and bytes, with the metadata in the header.
/// </summary>
public sealed class SafeTensorsRoundTripProperties
{
    /// <summary>The cases per run, stated in docs/RELIABILITY.md.</summary>
    public const int Iterations = 200;

    private static readonly ScalarType[] DTypes =
    [
        ScalarType.Float32, ScalarType.Float64, ScalarType.Float16, ScalarType.BFloat16,
        ScalarType.Int8, ScalarType.Int16, ScalarType.Int32, ScalarType.Int64, ScalarType.Byte, ScalarType.Bool,
    ];

    private static readonly Gen<string> Text = Gen.Char["abcXYZ._-/ 0129éж漢\"\\"].Array[1, 10].Select(c => new string(c));

    public SafeTensorsRoundTripProperties() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Written_tensors_and_metadata_read_back_equal()
    {
        var spec =
            from dtype in Gen.Int[0, DTypes.Length - 1]
            from shape in Gen.Int[0, 4].Array[0, 3]
            from seed in Gen.Int
            select (dtype, shape, seed);
        var gen =
            from specs in spec.Array[1, 6]
            from names in Text.Array[specs.Length]
            from keys in Text.Array[0, 3]
            from values in Text.Array[keys.Length]
            select (specs, names, keys, values);
        SeededProperty.Check(gen, c =>
        {
            using var scope = NewDisposeScope();
            var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            for (int i = 0; i < c.specs.Length; i++)
            {
                var (dtype, shape, seed) = c.specs[i];
                var generator = new torch.Generator((ulong)(uint)seed);
                // Small integers cast to the dtype: exact in every dtype, no NaN to make equality fail.
                tensors[$"{c.names[i]}#{i}"] = randint(-100, 100, [.. shape.Select(d => (long)d)], generator: generator).to(DTypes[dtype]);
            }
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < c.keys.Length; i++)
            {
                metadata[$"{c.keys[i]}#{i}"] = c.values[i];
            }
            string path = Path.Combine(Path.GetTempPath(), $"manabi-st-{Guid.NewGuid():N}.safetensors");
            try
            {
                SafeTensors.Write(path, tensors, metadata);
                var read = SafeTensors.Read(path);
                Assert.Equal(tensors.Keys.Order(StringComparer.Ordinal), read.Keys.Order(StringComparer.Ordinal));
                foreach (var (name, expected) in tensors)
                {
                    var actual = read[name];
                    Assert.Equal(expected.dtype, actual.dtype);
                    Assert.Equal(expected.shape, actual.shape);
                    Assert.Equal(expected.contiguous().bytes.ToArray(), actual.contiguous().bytes.ToArray());
                }
                Assert.Equal(metadata, Metadata(path));
            }
            finally
            {
                File.Delete(path);
            }
        }, Iterations);
    }

    /// <summary>The header's "__metadata__" object, read by the format's definition.</summary>
    private static Dictionary<string, string> Metadata(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        long length = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)length));
        return header.RootElement.TryGetProperty("__metadata__", out var metadata)
            ? metadata.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal)
            : [];
    }
}
