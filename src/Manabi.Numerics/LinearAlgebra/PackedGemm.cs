using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Manabi.Numerics.LinearAlgebra;

/// <summary>
/// A read-only strided view of a matrix inside a flat array: element (i, j) is at
/// <c>Offset + i·RowStride + j·ColumnStride</c>, so a transpose is the same array with the strides swapped.
/// </summary>
internal readonly record struct StridedMatrix(double[] Data, int Offset, int RowStride, int ColumnStride)
{
    /// <summary>Row-major view with leading dimension <paramref name="ld"/>.</summary>
    public static StridedMatrix RowMajor(double[] data, int offset, int ld) => new(data, offset, ld, 1);

    /// <summary>Transpose of the row-major matrix with leading dimension <paramref name="ld"/> starting at <paramref name="offset"/>.</summary>
    public static StridedMatrix Transposed(double[] data, int offset, int ld) => new(data, offset, 1, ld);
}

/// <summary>
/// Dense matrix product C ← β·C + α·A·B in the BLIS style: B is packed into L3-sized blocks of 8-column panels, A
/// into L2-sized blocks of 6-row panels, and a 6×8 register-tiled Vector256 FMA micro-kernel does the arithmetic.
/// Row blocks of A are shared out between cores.
/// </summary>
internal static class PackedGemm
{
    private const int Mr = 6;
    private const int Nr = 8;
    private const int Kc = 256;
    private const int Mc = 96;
    private const int Nc = 2048;

    // Below this many multiply-adds a second thread costs more than it saves.
    private const long ParallelWork = 1L << 21;

    /// <summary>C[m×n] (row-major, leading dimension <paramref name="ldc"/>) ← β·C + α·A[m×k]·B[k×n].</summary>
    /// <remarks>β must be 0 (C is overwritten, its old contents ignored even if NaN) or 1.</remarks>
    public static void Multiply(
        int m, int n, int k, double alpha, StridedMatrix a, StridedMatrix b,
        double beta, double[] c, int cOffset, int ldc)
    {
        if (m <= 0 || n <= 0)
        {
            return;
        }
        if (k <= 0 || alpha == 0.0)
        {
            if (beta == 0.0)
            {
                for (int i = 0; i < m; i++)
                {
                    Array.Clear(c, cOffset + i * ldc, n);
                }
            }
            return;
        }

        bool parallel = (long)m * n * k >= ParallelWork && Environment.ProcessorCount > 1;
        double[] packedB = ArrayPool<double>.Shared.Rent(Kc * Math.Min(Nc, RoundUp(n, Nr)));
        try
        {
            for (int jc = 0; jc < n; jc += Nc)
            {
                int nc = Math.Min(Nc, n - jc);
                for (int pc = 0; pc < k; pc += Kc)
                {
                    int kc = Math.Min(Kc, k - pc);
                    double blockBeta = pc == 0 ? beta : 1.0;
                    PackB(b, pc, kc, jc, nc, packedB);
                    int rowBlocks = (m + Mc - 1) / Mc;
                    if (parallel && rowBlocks > 1)
                    {
                        Parallel.For(
                            0, rowBlocks,
                            () => ArrayPool<double>.Shared.Rent(Mc * Kc),
                            (block, _, packedA) =>
                            {
                                RowBlock(block, m, nc, kc, pc, jc, alpha, a, packedA, packedB, blockBeta, c, cOffset, ldc);
                                return packedA;
                            },
                            packedA => ArrayPool<double>.Shared.Return(packedA));
                    }
                    else
                    {
                        double[] packedA = ArrayPool<double>.Shared.Rent(Mc * Kc);
                        for (int block = 0; block < rowBlocks; block++)
                        {
                            RowBlock(block, m, nc, kc, pc, jc, alpha, a, packedA, packedB, blockBeta, c, cOffset, ldc);
                        }
                        ArrayPool<double>.Shared.Return(packedA);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(packedB);
        }
    }

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;

    private static void RowBlock(
        int block, int m, int nc, int kc, int pc, int jc, double alpha, StridedMatrix a,
        double[] packedA, double[] packedB, double beta, double[] c, int cOffset, int ldc)
    {
        int ic = block * Mc;
        int mc = Math.Min(Mc, m - ic);
        PackA(a, ic, mc, pc, kc, packedA);
        Span<double> edge = stackalloc double[Mr * Nr];
        ref double aRef = ref MemoryMarshal.GetArrayDataReference(packedA);
        ref double bRef = ref MemoryMarshal.GetArrayDataReference(packedB);
        ref double cRef = ref MemoryMarshal.GetArrayDataReference(c);
        for (int jr = 0; jr < nc; jr += Nr)
        {
            int nr = Math.Min(Nr, nc - jr);
            ref double bPanel = ref Unsafe.Add(ref bRef, jr * kc);
            for (int ir = 0; ir < mc; ir += Mr)
            {
                int mr = Math.Min(Mr, mc - ir);
                ref double aPanel = ref Unsafe.Add(ref aRef, ir * kc);
                int cIndex = cOffset + (ic + ir) * ldc + jc + jr;
                if (mr == Mr && nr == Nr)
                {
                    Kernel(kc, ref aPanel, ref bPanel, alpha, beta, ref Unsafe.Add(ref cRef, cIndex), ldc);
                }
                else
                {
                    // Partial tile: compute the full tile into scratch and add only the valid part.
                    ref double scratch = ref MemoryMarshal.GetReference(edge);
                    Kernel(kc, ref aPanel, ref bPanel, 1.0, 0.0, ref scratch, Nr);
                    for (int i = 0; i < mr; i++)
                    {
                        for (int j = 0; j < nr; j++)
                        {
                            ref double target = ref Unsafe.Add(ref cRef, cIndex + i * ldc + j);
                            double value = alpha * edge[i * Nr + j];
                            target = beta == 0.0 ? value : target + value;
                        }
                    }
                }
            }
        }
    }

    /// <summary>Packs A[ic.., pc..] (mc×kc) as consecutive Mr-row panels, each stored k-major; short panels are zero-filled.</summary>
    private static void PackA(StridedMatrix a, int ic, int mc, int pc, int kc, double[] packed)
    {
        double[] data = a.Data;
        for (int ir = 0; ir < mc; ir += Mr)
        {
            int mr = Math.Min(Mr, mc - ir);
            int panel = ir * kc;
            for (int i = 0; i < Mr; i++)
            {
                if (i >= mr)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        packed[panel + p * Mr + i] = 0.0;
                    }
                    continue;
                }
                int source = a.Offset + (ic + ir + i) * a.RowStride + pc * a.ColumnStride;
                int stride = a.ColumnStride;
                for (int p = 0; p < kc; p++)
                {
                    packed[panel + p * Mr + i] = data[source + p * stride];
                }
            }
        }
    }

    /// <summary>Packs B[pc.., jc..] (kc×nc) as consecutive Nr-column panels, each stored k-major; short panels are zero-filled.</summary>
    private static void PackB(StridedMatrix b, int pc, int kc, int jc, int nc, double[] packed)
    {
        double[] data = b.Data;
        for (int jr = 0; jr < nc; jr += Nr)
        {
            int nr = Math.Min(Nr, nc - jr);
            int panel = jr * kc;
            for (int p = 0; p < kc; p++)
            {
                int source = b.Offset + (pc + p) * b.RowStride + (jc + jr) * b.ColumnStride;
                int target = panel + p * Nr;
                if (nr == Nr && b.ColumnStride == 1)
                {
                    Array.Copy(data, source, packed, target, Nr);
                    continue;
                }
                for (int j = 0; j < Nr; j++)
                {
                    packed[target + j] = j < nr ? data[source + j * b.ColumnStride] : 0.0;
                }
            }
        }
    }

    /// <summary>
    /// C[6×8] ← β·C + α·Â·B̂ for one packed A panel and one packed B panel: twelve accumulators stay in registers,
    /// each step is two loads of B, six broadcasts of A and twelve FMAs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel(int kc, ref double a, ref double b, double alpha, double beta, ref double c, int ldc)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            ScalarKernel(kc, ref a, ref b, alpha, beta, ref c, ldc);
            return;
        }
        Vector256<double> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<double> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<double> b0 = Vector256.LoadUnsafe(ref b);
            Vector256<double> b1 = Vector256.LoadUnsafe(ref b, 4);
            Vector256<double> x = Vector256.Create(a);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(Unsafe.Add(ref a, 1));
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(Unsafe.Add(ref a, 2));
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(Unsafe.Add(ref a, 3));
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(Unsafe.Add(ref a, 4));
            c40 = Vector256.FusedMultiplyAdd(x, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(Unsafe.Add(ref a, 5));
            c50 = Vector256.FusedMultiplyAdd(x, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
            a = ref Unsafe.Add(ref a, Mr);
            b = ref Unsafe.Add(ref b, Nr);
        }
        var va = Vector256.Create(alpha);
        StoreRow(ref c, c00, c01, va, beta);
        StoreRow(ref Unsafe.Add(ref c, ldc), c10, c11, va, beta);
        StoreRow(ref Unsafe.Add(ref c, 2 * ldc), c20, c21, va, beta);
        StoreRow(ref Unsafe.Add(ref c, 3 * ldc), c30, c31, va, beta);
        StoreRow(ref Unsafe.Add(ref c, 4 * ldc), c40, c41, va, beta);
        StoreRow(ref Unsafe.Add(ref c, 5 * ldc), c50, c51, va, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(ref double row, Vector256<double> left, Vector256<double> right, Vector256<double> alpha, double beta)
    {
        if (beta == 0.0)
        {
            (alpha * left).StoreUnsafe(ref row);
            (alpha * right).StoreUnsafe(ref row, 4);
        }
        else
        {
            Vector256.FusedMultiplyAdd(alpha, left, Vector256.LoadUnsafe(ref row)).StoreUnsafe(ref row);
            Vector256.FusedMultiplyAdd(alpha, right, Vector256.LoadUnsafe(ref row, 4)).StoreUnsafe(ref row, 4);
        }
    }

    private static void ScalarKernel(int kc, ref double a, ref double b, double alpha, double beta, ref double c, int ldc)
    {
        Span<double> acc = stackalloc double[Mr * Nr];
        for (int p = 0; p < kc; p++)
        {
            for (int i = 0; i < Mr; i++)
            {
                double x = Unsafe.Add(ref a, p * Mr + i);
                for (int j = 0; j < Nr; j++)
                {
                    acc[i * Nr + j] += x * Unsafe.Add(ref b, p * Nr + j);
                }
            }
        }
        for (int i = 0; i < Mr; i++)
        {
            for (int j = 0; j < Nr; j++)
            {
                ref double target = ref Unsafe.Add(ref c, i * ldc + j);
                target = beta == 0.0 ? alpha * acc[i * Nr + j] : target + alpha * acc[i * Nr + j];
            }
        }
    }
}
