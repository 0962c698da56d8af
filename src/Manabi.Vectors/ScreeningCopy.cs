using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Manabi.Vectors;

/// <summary>
/// The int8 screening copy of a float32 store and the exact search that uses it (also on int8 stores' own codes). Each unit vector x is kept as codes c
/// with a scale s (x = s·c + e) and an upper bound of ‖e‖; the query q is quantized the same way (q = t·d + f). Then
/// x·q = s·t·(c·d) + t·(e·d) + x·f, so |x·q − s·t·(c·d)| ≤ ‖e‖·‖t·d‖ + ‖x‖·‖f‖ (Cauchy–Schwarz). The scan reads the codes
/// (a quarter of the float32 bytes), keeps the k best lower bounds, and rescores in float32 only the rows whose upper
/// bound reaches the k-th lower bound: no row of the true top k can be skipped, so the result equals a full scan.
/// </summary>
internal static unsafe class ScreeningCopy
{
    /// <summary>Bytes per row of codes: dimensions rounded up to 64, so rows stay aligned and kernels need no tail.</summary>
    public static int StrideFor(int dimensions) => Int8Kernels.StrideFor(dimensions);

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
                    Int8Kernels.Quantize(unitVectors.AsSpan(row * dimensions, dimensions), MemoryMarshal.Cast<byte, sbyte>(codes.AsSpan(i * stride, stride)));
            });
            writer.Write(codes.AsSpan(0, rows * stride));
        }
        writer.End();
        writer.WriteSection<float>(StoreSection.ScreenBounds, bounds);
    }

    /// <summary>
    /// The exact top <paramref name="k"/> (score descending, then row ascending) of dot products between the unit
    /// <paramref name="query"/> and every stored row of <paramref name="store"/>, reading int8 codes first: the
    /// screening copy of a float32 store, or an int8 store's own vectors (whose error is then only the query's).
    /// <paramref name="rescored"/> counts the rows rescored exactly (the rest were ruled out by their bounds).
    /// </summary>
    public static (float Score, int Row)[] TopK(VectorStore store, float[] query, int k, out int rescored)
    {
        Screen screen = Prepare(store, query);
        var candidates = new List<(float Upper, int Row)>();
        var gate = new Lock();
        TopK lowerBest = RowBlocks.TopK(store.Count, k, 8192, 4, (start, end, heap) =>
        {
            Screen local = screen; // a copy in registers, not a captured field read every row
            var mine = new List<(float Upper, int Row)>();
            float threshold = float.NegativeInfinity;
            for (int r = start; r < end; r++)
            {
                (float approximate, float bound) = local.Estimate(r);
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
                candidates.AddRange(mine);
            }
        });

        bool int8Store = store.DType == VectorDType.Int8;
        float kthLower = lowerBest.Threshold;
        var exact = new TopK(k);
        var row = new float[store.Dimensions];
        rescored = 0;
        foreach ((float upper, int r) in candidates)
        {
            if (upper >= kthLower)
            {
                // The same arithmetic as the full scan, so scores (and ties) are identical.
                if (int8Store)
                {
                    store.ReadUnit(r, row);
                }
                exact.Add(TensorPrimitives.Dot(query, int8Store ? row : store.RowFloat32(r)), r);
                rescored++;
            }
        }
        return exact.Sorted();
    }

    /// <summary>Quantizes the query and gathers what <see cref="Screen.Estimate"/> needs for <paramref name="store"/>.</summary>
    internal static Screen Prepare(VectorStore store, float[] query)
    {
        int dims = store.Dimensions, stride = StrideFor(dims);
        bool int8Store = store.DType == VectorDType.Int8;
        // Pinned, so the scan can hold a plain pointer to it.
        short[] queryCodes = GC.AllocateArray<short>(stride, pinned: true);
        (float t, float queryError, double codeNorm) = Int8Kernels.QuantizeQuery(query, queryCodes);
        // ‖x‖·‖f‖ with ‖x‖ ≤ 1 (unit rows, up to float rounding), plus slack for the float32 rounding of the exact dot
        // (at most about dims·2⁻²⁴ of Σ|xᵢqᵢ| ≤ 1) and of the bound arithmetic itself.
        float constant = queryError * (1 + 1e-5f) + dims * 2e-7f + 1e-5f;
        if (int8Store)
        {
            // x = s·c exactly (no residual), but ‖x‖ ≤ ‖unit‖ + ‖rounding‖ ≤ 1 + s·√dims/2: the row term is the
            // scale times (√dims/2)·‖f‖.
            var scales = (float*)store.SectionPointer(StoreSection.Scales);
            return new Screen(store.SectionPointer(StoreSection.Vectors), stride, scales, scales, 1, queryCodes, t, constant,
                (float)(Math.Sqrt(dims) / 2 * queryError * (1 + 1e-5)));
        }
        // Screening copy: the row term is ‖e‖·‖t·d‖.
        var bounds = (float*)store.SectionPointer(StoreSection.ScreenBounds);
        return new Screen(store.SectionPointer(StoreSection.ScreenCodes), stride, bounds, bounds + 1, 2, queryCodes, t, constant,
            (float)(t * Math.Sqrt(codeNorm) * (1 + 1e-6)));
    }

    /// <summary>A quantized query against one store's codes: per row, an estimate of the dot product and its error bound.</summary>
    internal readonly struct Screen(byte* codes, int stride, float* scales, float* residuals, int step, short[] queryCodes,
        float queryScale, float constant, float factor)
    {
        private readonly short* _query = (short*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(queryCodes));
        private readonly short[] _keepAlive = queryCodes;

        /// <summary>s·t·(c·d) and a bound on its distance to the exact float32 score of row <paramref name="row"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public (float Approximate, float Bound) Estimate(int row)
        {
            long at = (long)step * row;
            float approximate = scales[at] * queryScale * Int8Kernels.CodeDot((sbyte*)(codes + (long)row * stride), _query, stride);
            return (approximate, constant + residuals[at] * factor);
        }
    }
}
