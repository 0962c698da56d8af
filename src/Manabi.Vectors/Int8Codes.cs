using System.Numerics.Tensors;

namespace Manabi.Vectors;

/// <summary>
/// Symmetric int8 quantization with one scale per vector (scale = max|x|/127, codes rounded to nearest): the vectors
/// of int8 stores, the screening copy of float32 stores, and the queries screened against either.
/// </summary>
internal static class Int8Codes
{
    /// <summary>Quantizes one vector to codes in [-127, 127]; returns its scale and an upper bound of the residual norm.</summary>
    public static (float Scale, float ErrorBound) Quantize(ReadOnlySpan<float> vector, Span<sbyte> codes)
    {
        // MaxMagnitude returns the signed value of largest magnitude.
        float max = Math.Abs(TensorPrimitives.MaxMagnitude(vector));
        if (!(max > 0))
        {
            codes[..vector.Length].Clear();
            return (0, 0);
        }
        float scale = max / 127f;
        double residual = 0;
        for (int i = 0; i < vector.Length; i++)
        {
            int code = (int)Math.Clamp(MathF.Round(vector[i] / scale), -127, 127);
            codes[i] = (sbyte)code;
            double e = vector[i] - (double)scale * code;
            residual += e * e;
        }
        // Rounded up so the bound stays a bound after the conversion to float.
        return (scale, MathF.BitIncrement((float)(Math.Sqrt(residual) * (1 + 1e-6))));
    }
}
