using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Manabi.Vectors;

/// <summary>
/// The int8 screening copy of a float32 store and the exact search that uses it. Each unit vector x is kept as codes c
/// with a scale s (x = s·c + e) and an upper bound of ‖e‖; the query q is quantized the same way (q = t·d + f). Then
/// x·q = s·t·(c·d) + t·(e·d) + x·f, so |x·q − s·t·(c·d)| ≤ ‖e‖·‖t·d‖ + ‖x‖·‖f‖ (Cauchy–Schwarz). The scan reads the codes
/// (a quarter of the float32 bytes), keeps the k best lower bounds, and rescores in float32 only the rows whose upper
/// bound reaches the k-th lower bound: no row of the true top k can be skipped, so the result equals a full scan.
/// </summary>
internal static unsafe class ScreeningCopy
{
    /// <summary>Bytes per row of codes: dimensions rounded up to 64, so rows stay aligned and kernels need no tail.</summary>
    public static int StrideFor(int dimensions) => (dimensions + 63) / 64 * 64;

    /// <summary>Writes the codes and the per-row (scale, error bound) pairs of row-major unit vectors.</summary>
    public static void Write(SectionWriter writer, float[] unitVectors, int count, int dimensions)
    {
        int stride = StrideFor(dimensions);
        const int chunkRows = 4096;
        var codes = new byte[chunkRows * stride];
        var bounds = new float[2 * (long)count];
        writer.Begin(StoreSection.ScreenCodes);
        for (int start = 0; start < count; start += chunkRows)
        {
            int rows = Math.Min(chunkRows, count - start);
            Array.Clear(codes);
            Parallel.For(0, rows, i =>
            {
                int row = start + i;
                (bounds[2L * row], bounds[2L * row + 1]) =
                    Encode(unitVectors.AsSpan(row * dimensions, dimensions), MemoryMarshal.Cast<byte, sbyte>(codes.AsSpan(i * stride, stride)));
            });
            writer.Write(codes.AsSpan(0, rows * stride));
        }
        writer.End();
        writer.WriteSection<float>(StoreSection.ScreenBounds, bounds);
    }

    /// <summary>Quantizes one vector to codes in [-127, 127]; returns its scale and an upper bound of the residual norm.</summary>
    public static (float Scale, float ErrorBound) Encode(ReadOnlySpan<float> vector, Span<sbyte> codes)
    {
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
    /// The exact top <paramref name="k"/> (score descending, then row ascending) of dot products between the unit
    /// <paramref name="query"/> and every stored float32 row of <paramref name="store"/>, reading the screening copy
    /// first; <paramref name="rescored"/> counts the rows rescored in float32 (the rest were ruled out by their bounds).
    /// </summary>
    public static (float Score, int Row)[] TopK(VectorStore store, float[] query, int k, out int rescored)
    {
        StoreHeader header = store.Header;
        int count = store.Count, dims = store.Dimensions, stride = StrideFor(dims);
        byte* codes = store.SectionPointer(StoreSection.ScreenCodes);
        float* bounds = (float*)store.SectionPointer(StoreSection.ScreenBounds);

        var queryCodes = new short[stride];
        var queryCodesAsBytes = new sbyte[stride];
        (float t, float queryError) = Encode(query, queryCodesAsBytes);
        for (int i = 0; i < dims; i++)
        {
            queryCodes[i] = queryCodesAsBytes[i];
        }
        double codeNorm = 0;
        for (int i = 0; i < dims; i++)
        {
            codeNorm += (double)queryCodes[i] * queryCodes[i];
        }
        // ‖x‖ ≤ 1 (unit rows, up to float rounding) times ‖f‖, plus slack for the float32 rounding of the exact dot
        // (at most about dims·2⁻²⁴ of Σ|xᵢqᵢ| ≤ 1) and of the bound arithmetic itself.
        float constant = queryError * (1 + 1e-5f) + dims * 2e-7f + 1e-5f;
        float queryCodeNorm = (float)(t * Math.Sqrt(codeNorm) * (1 + 1e-6));

        int blocks = Math.Max(1, Math.Min(count / 8192, Environment.ProcessorCount * 4));
        int perBlock = (count + blocks - 1) / blocks;
        var lowerBest = new TopK(k);
        var candidates = new List<(float Upper, int Row)>();
        var gate = new Lock();
        fixed (short* q = queryCodes)
        {
            short* qp = q;
            Parallel.For(0, blocks, b =>
            {
                // Locals rather than captured fields, so the loop keeps them in registers.
                short* queryCodesLocal = qp;
                float* rowBounds = bounds + 2L * b * perBlock;
                float scale = t, constantLocal = constant, codeNormLocal = queryCodeNorm;
                int strideLocal = stride, start = b * perBlock, end = Math.Min(count, start + perBlock);
                var heap = new TopK(k);
                var mine = new List<(float Upper, int Row)>();
                float threshold = float.NegativeInfinity;
                byte* row = codes + (long)start * strideLocal;
                for (int r = start; r < end; r++, row += strideLocal, rowBounds += 2)
                {
                    float approximate = rowBounds[0] * scale * CodeDot((sbyte*)row, queryCodesLocal, strideLocal);
                    float bound = constantLocal + rowBounds[1] * codeNormLocal;
                    float upper = approximate + bound;
                    if (upper >= threshold)
                    {
                        mine.Add((upper, r));
                        float lower = approximate - bound;
                        if (lower > threshold)
                        {
                            heap.Add(lower, r);
                            threshold = heap.Threshold;
                        }
                    }
                }
                lock (gate)
                {
                    lowerBest.Merge(heap);
                    candidates.AddRange(mine);
                }
            });
        }

        float kthLower = lowerBest.Threshold;
        var exact = new TopK(k);
        rescored = 0;
        foreach ((float upper, int r) in candidates)
        {
            if (upper >= kthLower)
            {
                exact.Add(TensorPrimitives.Dot(query, store.RowFloat32(r)), r);
                rescored++;
            }
        }
        return exact.Sorted();
    }

    /// <summary>Σ codes[i]·query[i] over a padded row, exact in int32 (|sum| ≤ 127² · stride).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CodeDot(sbyte* codes, short* query, int stride)
    {
        if (Avx512BW.IsSupported)
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
        if (Avx2.IsSupported)
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
        int sum = 0;
        for (int j = 0; j < stride; j++)
        {
            sum += codes[j] * query[j];
        }
        return sum;
    }
}
