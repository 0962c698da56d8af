namespace Manabi.Vectors.Search;

/// <summary>
/// Embedding quantization as sentence-transformers' <c>quantize_embeddings</c>: int8/uint8 with per-dimension
/// ranges calibrated on a set of embeddings (min and max of each dimension, 255 steps), and binary/ubinary
/// (the sign bit of each component, packed big-endian 8 to a byte; binary shifts the bytes by −128 into int8).
/// </summary>
public static class EmbeddingQuantization
{
    /// <summary>Per-dimension minimum (row 0) and maximum (row 1) of the calibration embeddings.</summary>
    public static float[][] Ranges(IReadOnlyList<float[]> calibration)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        if (calibration.Count == 0)
        {
            throw new ArgumentException("calibration needs at least one embedding", nameof(calibration));
        }
        int d = calibration[0].Length;
        var min = Enumerable.Repeat(float.PositiveInfinity, d).ToArray();
        var max = Enumerable.Repeat(float.NegativeInfinity, d).ToArray();
        foreach (float[] e in calibration)
        {
            for (int i = 0; i < d; i++)
            {
                min[i] = Math.Min(min[i], e[i]);
                max[i] = Math.Max(max[i], e[i]);
            }
        }
        return [min, max];
    }

    /// <summary>
    /// int8: trunc((x − min) / ((max − min) / 255) − 128), per dimension. <paramref name="ranges"/> null: calibrated on
    /// the embeddings themselves. Values outside the calibration range are clamped (numpy would wrap them).
    /// </summary>
    public static sbyte[][] ToInt8(IReadOnlyList<float[]> embeddings, float[][]? ranges = null) =>
        Scale(embeddings, ranges, v => (sbyte)Math.Clamp(Math.Truncate(v - 128), -128, 127));

    /// <summary>uint8: trunc((x − min) / ((max − min) / 255)), per dimension.</summary>
    public static byte[][] ToUInt8(IReadOnlyList<float[]> embeddings, float[][]? ranges = null) =>
        Scale(embeddings, ranges, v => (byte)Math.Clamp(Math.Truncate(v), 0, 255));

    /// <summary>ubinary: one bit per component (1 when positive), packed big-endian.</summary>
    public static byte[][] ToUBinary(IReadOnlyList<float[]> embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        return embeddings.Select(e =>
        {
            var packed = new byte[(e.Length + 7) / 8];
            for (int i = 0; i < e.Length; i++)
            {
                if (e[i] > 0)
                {
                    packed[i >> 3] |= (byte)(0x80 >> (i & 7));
                }
            }
            return packed;
        }).ToArray();
    }

    /// <summary>binary: <see cref="ToUBinary"/> shifted by −128 into int8.</summary>
    public static sbyte[][] ToBinary(IReadOnlyList<float[]> embeddings) =>
        ToUBinary(embeddings).Select(row => row.Select(b => (sbyte)(b - 128)).ToArray()).ToArray();

    /// <summary>The number of differing bits of two packed binary embeddings.</summary>
    public static int HammingDistance(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        (int)System.Numerics.Tensors.TensorPrimitives.HammingBitDistance(a, b);

    private static T[][] Scale<T>(IReadOnlyList<float[]> embeddings, float[][]? ranges, Func<double, T> convert)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ranges ??= Ranges(embeddings);
        float[] start = ranges[0], end = ranges[1];
        return embeddings.Select(e =>
        {
            var row = new T[e.Length];
            for (int i = 0; i < e.Length; i++)
            {
                double step = (end[i] - start[i]) / 255.0;
                row[i] = convert(step == 0 ? 0 : (e[i] - start[i]) / step);
            }
            return row;
        }).ToArray();
    }
}
