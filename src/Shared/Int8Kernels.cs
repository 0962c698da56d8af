using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Manabi;

/// <summary>
/// Symmetric int8 quantization with one scale per vector (scale = max|x|/127, codes rounded to nearest) and the exact
/// integer dot product of codes against a widened query. One source file compiled into Manabi.Vectors (int8 stores and
/// the screening copy of its mapped files) and Manabi.VectorData (the screen of its mutable flat index), so that the
/// two exact scans share one proven kernel without either package depending on the other.
/// </summary>
internal static unsafe class Int8Kernels
{
    /// <summary>Bytes per row of codes: dimensions rounded up to 64, so rows stay aligned and kernels need no tail.</summary>
    public static int StrideFor(int dimensions) => (dimensions + 63) / 64 * 64;

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

    /// <summary>
    /// Quantizes a query into <paramref name="codes"/> (one padded row, widened to int16 for <see cref="CodeDot(sbyte*, short*, int)"/>; the
    /// padding is zeroed): its scale t, the bound of its residual ‖f‖, and ‖d‖², the squared norm of its codes.
    /// </summary>
    public static (float Scale, float ErrorBound, double CodeNormSquared) QuantizeQuery(ReadOnlySpan<float> query, Span<short> codes)
    {
        Span<sbyte> narrow = query.Length <= 1024 ? stackalloc sbyte[query.Length] : new sbyte[query.Length];
        (float scale, float error) = Quantize(query, narrow);
        codes.Clear();
        double codeNorm = 0;
        for (int i = 0; i < narrow.Length; i++)
        {
            codes[i] = narrow[i];
            codeNorm += (double)narrow[i] * narrow[i];
        }
        return (scale, error, codeNorm);
    }

    /// <summary>
    /// Every instruction set <see cref="CodeDot(sbyte*, short*, int)"/> can run on this CPU, widest first. Tests run each,
    /// so that the AVX2 path most users run is checked on AVX-512 machines too, and the scalar one everywhere.
    /// </summary>
    public static IReadOnlyList<CodeDotPath> RunnablePaths { get; } =
        new[] { CodeDotPath.Avx512, CodeDotPath.Avx2, CodeDotPath.Scalar }
            .Where(path => path switch
            {
                CodeDotPath.Avx512 => Avx512BW.IsSupported,
                CodeDotPath.Avx2 => Avx2.IsSupported,
                _ => true,
            })
            .ToArray();

    /// <summary>Σ codes[i]·query[i] over a padded row, exact in int32 (|sum| ≤ 127² · stride), on the widest path this CPU has.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CodeDot(sbyte* codes, short* query, int stride)
    {
        if (Avx512BW.IsSupported)
        {
            return CodeDotAvx512(codes, query, stride);
        }
        if (Avx2.IsSupported)
        {
            return CodeDotAvx2(codes, query, stride);
        }
        return CodeDotScalar(codes, query, stride);
    }

    /// <summary><see cref="CodeDot(sbyte*, short*, int)"/> on a chosen path, over whole padded rows; for tests.</summary>
    public static int CodeDot(CodeDotPath path, ReadOnlySpan<sbyte> codes, ReadOnlySpan<short> query)
    {
        if (codes.Length != query.Length || codes.Length % 64 != 0)
        {
            throw new ArgumentException($"codes ({codes.Length}) and query ({query.Length}) must be one padded row of a multiple of 64.", nameof(codes));
        }
        fixed (sbyte* c = codes)
        fixed (short* q = query)
        {
            return path switch
            {
                CodeDotPath.Avx512 => CodeDotAvx512(c, q, codes.Length),
                CodeDotPath.Avx2 => CodeDotAvx2(c, q, codes.Length),
                _ => CodeDotScalar(c, q, codes.Length),
            };
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CodeDotAvx512(sbyte* codes, short* query, int stride)
    {
        Vector512<int> even = Vector512<int>.Zero, odd = Vector512<int>.Zero;
        for (int j = 0; j < stride; j += 64)
        {
            Vector512<short> low = Avx512BW.ConvertToVector512Int16(Vector256.Load(codes + j));
            Vector512<short> high = Avx512BW.ConvertToVector512Int16(Vector256.Load(codes + j + 32));
            even += Avx512BW.MultiplyAddAdjacent(low, Vector512.Load(query + j));
            odd += Avx512BW.MultiplyAddAdjacent(high, Vector512.Load(query + j + 32));
        }
        return Vector512.Sum(even + odd);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CodeDotAvx2(sbyte* codes, short* query, int stride)
    {
        Vector256<int> even = Vector256<int>.Zero, odd = Vector256<int>.Zero;
        for (int j = 0; j < stride; j += 32)
        {
            Vector256<short> low = Avx2.ConvertToVector256Int16(Vector128.Load(codes + j));
            Vector256<short> high = Avx2.ConvertToVector256Int16(Vector128.Load(codes + j + 16));
            even += Avx2.MultiplyAddAdjacent(low, Vector256.Load(query + j));
            odd += Avx2.MultiplyAddAdjacent(high, Vector256.Load(query + j + 16));
        }
        return Vector256.Sum(even + odd);
    }

    private static int CodeDotScalar(sbyte* codes, short* query, int stride)
    {
        int sum = 0;
        for (int j = 0; j < stride; j++)
        {
            sum += codes[j] * query[j];
        }
        return sum;
    }
}

/// <summary>The instruction sets <see cref="Int8Kernels.CodeDot(sbyte*, short*, int)"/> has a path for.</summary>
internal enum CodeDotPath
{
    /// <summary>Plain loops.</summary>
    Scalar,

    /// <summary>AVX2 widening and pairwise multiply-add, 32 codes a step.</summary>
    Avx2,

    /// <summary>AVX-512BW widening and pairwise multiply-add, 64 codes a step.</summary>
    Avx512,
}
