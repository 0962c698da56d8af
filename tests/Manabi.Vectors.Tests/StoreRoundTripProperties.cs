using System.Numerics.Tensors;
using CsCheck;
using Manabi.TestSupport;

namespace Manabi.Vectors.Tests;

/// <summary>
/// Property: a store written from any set of distinct keys and finite float32 vectors reads back the same count and
/// dimensions, every key at the row that holds its vector, the norm bit-equal to TensorPrimitives.Norm of the input
/// row, and the unit row bit-equal to the input divided by that norm (a zero row stays zero). Fixed seeds (SeededProperty):
/// CI runs the same cases; a failure prints the seed that replays it.
/// </summary>
public sealed class StoreRoundTripProperties
{
    /// <summary>The cases per run, stated in docs/RELIABILITY.md.</summary>
    public const int Iterations = 150;

    // Letters from several scripts, digits and punctuation: keys are UTF-8 in the store. BMP characters only, since the
    // generator picks UTF-16 units and half a surrogate pair is no text.
    private static readonly Gen<string> Word = Gen.Char["abcxyzABZéüñßж漢字-'._0123456789"].Array[1, 8].Select(c => new string(c));

    [Fact]
    public void A_written_store_reads_back_its_keys_norms_and_unit_vectors_exactly()
    {
        var gen =
            from dims in Gen.Int[1, 12]
            from count in Gen.Int[1, 30]
            from words in Word.Array[count]
            from values in Gen.Float[-1000f, 1000f].Array[count * dims]
            from zeroRow in Gen.Int[-1, count - 1]
            from approximate in Gen.Bool
            select (dims, words, values, zeroRow, approximate);
        SeededProperty.Check(gen, c =>
        {
            // Distinct keys: the index makes every generated word unique without limiting its characters.
            string[] keys = [.. c.words.Select((w, i) => $"{w}{i}")];
            float[] values = (float[])c.values.Clone();
            if (c.zeroRow >= 0)
            {
                values.AsSpan(c.zeroRow * c.dims, c.dims).Clear();
            }
            using var dir = new TempDirectory();
            string path = dir.File("p.mvs");
            VectorStoreConverter.Write(keys, values, c.dims, path, new VectorConvertOptions { BuildApproximateIndex = c.approximate });
            using var store = VectorStore.Open(path);
            Assert.Equal(keys.Length, store.Count);
            Assert.Equal(c.dims, store.Dimensions);
            Assert.Equal(VectorDType.Float32, store.DType);
            var unit = new float[c.dims];
            for (int i = 0; i < keys.Length; i++)
            {
                int row = store.IndexOfExact(keys[i]);
                Assert.True(row >= 0, $"key '{keys[i]}' not found");
                Assert.Equal(keys[i], store.GetKey(row));
                ReadOnlySpan<float> input = values.AsSpan(i * c.dims, c.dims);
                float norm = TensorPrimitives.Norm(input);
                Assert.Equal(BitConverter.SingleToInt32Bits(norm), BitConverter.SingleToInt32Bits(store.GetNorm(row)));
                var expected = input.ToArray();
                if (norm > 0)
                {
                    TensorPrimitives.Divide(expected, norm, expected);
                }
                store.GetRow(row, unit);
                Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), unit.Select(BitConverter.SingleToInt32Bits));
            }
            Assert.Equal(keys.Order(StringComparer.Ordinal), store.Keys.Order(StringComparer.Ordinal));
        }, Iterations);
    }
}
