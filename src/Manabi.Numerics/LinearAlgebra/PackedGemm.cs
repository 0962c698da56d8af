using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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

/// <summary>A right-hand factor B (<paramref name="Rows"/>×<paramref name="Columns"/>) packed by <see cref="PackedGemm.PackRight(int, int, StridedMatrix, GemmKernel?)"/>.</summary>
/// <param name="Data">The packed panels, from <paramref name="Offset"/> (64-byte aligned).</param>
/// <param name="Offset">Where the panels start.</param>
/// <param name="Rows">k, the inner dimension.</param>
/// <param name="Columns">n, the columns of the product.</param>
/// <param name="Kernel">The micro-kernel whose panel width it was packed for; products with it use the same one.</param>
internal sealed record PackedRight(double[] Data, int Offset, int Rows, int Columns, GemmKernel Kernel);

/// <summary>The register-tiled micro-kernels of <see cref="PackedGemm"/>; each fixes the panel shapes A and B are packed in.</summary>
internal enum GemmKernel
{
    /// <summary>6×8 tiles in plain loops, for CPUs without 256-bit vectors.</summary>
    Scalar,

    /// <summary>6×8 tiles of Vector256 FMAs (AVX2 and FMA, or any 256-bit vector unit).</summary>
    Vector256,

    /// <summary>12×16 tiles of AVX-512 FMAs.</summary>
    Avx512,
}

/// <summary>
/// Dense matrix product C ← β·C + α·A·B in the BLIS style: B is packed into L3-sized blocks of Nr-column panels, A
/// into L2-sized blocks of Mr-row panels, and a register-tiled FMA micro-kernel does the arithmetic: 12×16 on
/// AVX-512 (32 registers hold 24 accumulators), else 6×8 on Vector256. Row blocks are shared out between cores.
/// </summary>
internal static class PackedGemm
{
    // AVX-512 is used whenever the instructions exist, although .NET reports Vector512 as not "accelerated" on CPUs
    // whose clock drops under wide vectors: on the Cascade Lake this was tuned on, the 12×16 kernel measured level
    // with or slightly ahead of the 6×8 Vector256 one (40–44 against 39–41 GFLOP/s on one core).
    /// <summary>
    /// Every kernel this CPU can run, widest first. Tests run each of them, so that the narrower tiles (which the
    /// machines of most users run) are checked on a machine whose native kernel is a wider one.
    /// </summary>
    public static IReadOnlyList<GemmKernel> Runnable { get; } =
        new[] { GemmKernel.Avx512, GemmKernel.Vector256, GemmKernel.Scalar }
            .Where(kernel => kernel switch
            {
                GemmKernel.Avx512 => Avx512F.IsSupported,
                GemmKernel.Vector256 => Vector256.IsHardwareAccelerated,
                _ => true,
            })
            .ToArray();

    /// <summary>The kernel every product uses unless told otherwise: the widest this CPU runs.</summary>
    /// <remarks>Declared after <see cref="Runnable"/>, which static initialisation must have filled first.</remarks>
    public static readonly GemmKernel Native = Runnable[0];

    /// <summary>Rows of A in one packed panel (Mr) for <paramref name="kernel"/>.</summary>
    private static int PanelRows(GemmKernel kernel) => kernel == GemmKernel.Avx512 ? 12 : 6;

    /// <summary>Columns of B in one packed panel (Nr) for <paramref name="kernel"/>.</summary>
    private static int PanelColumns(GemmKernel kernel) => kernel == GemmKernel.Avx512 ? 16 : 8;

    // The Kc×Nr panel of B is reused from L1 across a row block (Kc = 256 measured best of 128–384), the Mc×Kc
    // block of A from L2.
    private const int Kc = 256;
    private const int Mc = 96;
    private const int Nc = 2048;

    // Below this many multiply-adds a second thread costs more than it saves.
    private const long ParallelWork = 1L << 20;

    /// <summary>C[m×n] (row-major, leading dimension <paramref name="ldc"/>) ← β·C + α·A[m×k]·B[k×n].</summary>
    /// <remarks>
    /// β must be 0 (C is overwritten, its old contents ignored even if NaN) or 1. <paramref name="allowParallel"/> =
    /// false keeps the product on the calling thread, for callers that already share their work out between cores.
    /// <paramref name="kernel"/> (default <see cref="Native"/>) picks the micro-kernel, for tests of the narrower ones.
    /// </remarks>
    public static void Multiply(
        int m, int n, int k, double alpha, StridedMatrix a, StridedMatrix b,
        double beta, double[] c, int cOffset, int ldc, bool allowParallel = true, GemmKernel? kernel = null)
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

        GemmKernel tile = kernel ?? Native;
        (bool parallel, int rowBlock, int rowBlocks) = RowBlocking(m, n, k, allowParallel, PanelRows(tile));

        // B is packed once per (jc, pc) block and shared; each thread packs its own blocks of A.
        bool leased = packedBInUse;
        packedBInUse = true;
        int bLength = Kc * Math.Min(Nc, RoundUp(n, PanelColumns(tile)));
        (double[] packedB, int bOffset) = leased ? AlignedBuffer(bLength) : PackingBuffer(ref threadPackedB, bLength);
        try
        {
            for (int jc = 0; jc < n; jc += Nc)
            {
                int nc = Math.Min(Nc, n - jc);
                for (int pc = 0; pc < k; pc += Kc)
                {
                    int kc = Math.Min(Kc, k - pc);
                    PackB(tile, b, pc, kc, jc, nc, packedB, bOffset);
                    RowBlocks(
                        tile, m, nc, kc, pc, jc, alpha, a, packedB, bOffset, pc == 0 ? beta : 1.0, c, cOffset, ldc,
                        parallel, rowBlock, rowBlocks);
                }
            }
        }
        finally
        {
            packedBInUse = leased;
        }
    }

    /// <summary>
    /// Packs B[k×n] once, in the layout <see cref="Multiply(int, double, StridedMatrix, PackedRight, double, double[], int, int, bool)"/>
    /// reads with <paramref name="kernel"/> (default <see cref="Native"/>), for callers that multiply many matrices A by
    /// the same B.
    /// </summary>
    public static PackedRight PackRight(int k, int n, StridedMatrix b, GemmKernel? kernel = null)
    {
        (double[] data, int offset) = AlignedBuffer(PackedRightLength(k, n, kernel));
        return PackRight(k, n, b, data, offset, kernel);
    }

    /// <summary>
    /// Doubles that <see cref="PackRight(int, int, StridedMatrix, double[], int, GemmKernel?)"/> writes for a k×n factor,
    /// rounded up to a whole number of cache lines so that consecutive packs into one buffer stay 64-byte aligned.
    /// </summary>
    public static int PackedRightLength(int k, int n, GemmKernel? kernel = null)
    {
        int nr = PanelColumns(kernel ?? Native);
        long length = 0;
        for (int jc = 0; jc < n; jc += Nc)
        {
            length += (long)k * RoundUp(Math.Min(Nc, n - jc), nr);
        }
        return checked((int)RoundUp((int)length, AlignDoubles));
    }

    /// <summary>
    /// <see cref="PackRight(int, int, StridedMatrix, GemmKernel?)"/> into <paramref name="destination"/> from
    /// <paramref name="offset"/> (<see cref="PackedRightLength"/> doubles), for callers that pack many factors into one
    /// buffer instead of allocating (and page-faulting in) a fresh one for each.
    /// </summary>
    public static PackedRight PackRight(int k, int n, StridedMatrix b, double[] destination, int offset, GemmKernel? kernel = null)
    {
        GemmKernel tile = kernel ?? Native;
        int blockOffset = offset;
        for (int jc = 0; jc < n; jc += Nc)
        {
            int nc = Math.Min(Nc, n - jc);
            for (int pc = 0; pc < k; pc += Kc)
            {
                int kc = Math.Min(Kc, k - pc);
                PackB(tile, b, pc, kc, jc, nc, destination, blockOffset);
                blockOffset += kc * RoundUp(nc, PanelColumns(tile));
            }
        }
        return new PackedRight(destination, offset, k, n, tile);
    }

    /// <summary>The offset in <paramref name="buffer"/> from which it is 64-byte aligned, while it does not move.</summary>
    /// <remarks>Arrays of the large-object heap are not moved unless compaction of that heap is asked for; if one
    /// is, the products stay correct, only slower.</remarks>
    public static int AlignedStart(double[] buffer) => AlignedOffset(buffer);

    /// <summary>C[m×b.Columns] ← β·C + α·A[m×b.Rows]·B with B packed beforehand by <see cref="PackRight(int, int, StridedMatrix, GemmKernel?)"/>.</summary>
    /// <remarks>β must be 0 or 1, as in the other overload; the product runs the kernel B was packed for.</remarks>
    public static void Multiply(
        int m, double alpha, StridedMatrix a, PackedRight b, double beta, double[] c, int cOffset, int ldc, bool allowParallel = true)
    {
        int n = b.Columns, k = b.Rows;
        if (m <= 0 || n <= 0 || k <= 0 || alpha == 0.0)
        {
            // Degenerate products go through the general overload, which handles them without B.
            Multiply(m, n, 0, alpha, a, default, beta, c, cOffset, ldc);
            return;
        }
        GemmKernel tile = b.Kernel;
        (bool parallel, int rowBlock, int rowBlocks) = RowBlocking(m, n, k, allowParallel, PanelRows(tile));
        int blockOffset = b.Offset;
        for (int jc = 0; jc < n; jc += Nc)
        {
            int nc = Math.Min(Nc, n - jc);
            for (int pc = 0; pc < k; pc += Kc)
            {
                int kc = Math.Min(Kc, k - pc);
                RowBlocks(
                    tile, m, nc, kc, pc, jc, alpha, a, b.Data, blockOffset, pc == 0 ? beta : 1.0, c, cOffset, ldc,
                    parallel, rowBlock, rowBlocks);
                blockOffset += kc * RoundUp(nc, PanelColumns(tile));
            }
        }
    }

    /// <summary>
    /// Row blocks are dealt out dynamically, so a core that another process holds up only delays its own block; at
    /// least four blocks where possible, so that the two cores finish close together. On one thread the blocks are as
    /// tall as L2 allows, so that each packed panel of B serves as many rows as possible.
    /// </summary>
    private static (bool Parallel, int RowBlock, int RowBlocks) RowBlocking(int m, int n, int k, bool allowParallel, int mr)
    {
        bool parallel = allowParallel && (long)m * n * k >= ParallelWork && Environment.ProcessorCount > 1 && m > mr;
        int rowBlock = parallel ? Math.Clamp(RoundUp((m + 3) / 4, mr), mr, Mc) : Mc;
        return (parallel, rowBlock, (m + rowBlock - 1) / rowBlock);
    }

    private static void RowBlocks(
        GemmKernel kernel, int m, int nc, int kc, int pc, int jc, double alpha, StridedMatrix a, double[] packedB, int bOffset,
        double beta, double[] c, int cOffset, int ldc, bool parallel, int rowBlock, int rowBlocks)
    {
        if (parallel)
        {
            Parallel.For(0, rowBlocks, block => RowBlock(
                kernel, block * rowBlock, Math.Min(rowBlock, m - block * rowBlock), nc, kc, pc, jc, alpha, a,
                packedB, bOffset, beta, c, cOffset, ldc));
            return;
        }
        for (int block = 0; block < rowBlocks; block++)
        {
            RowBlock(
                kernel, block * rowBlock, Math.Min(rowBlock, m - block * rowBlock), nc, kc, pc, jc, alpha, a,
                packedB, bOffset, beta, c, cOffset, ldc);
        }
    }

    // Whether this thread's packed-B buffer belongs to a product in progress (should a product ever start on a thread
    // that is waiting inside another one); a nested product then packs into a buffer of its own.
    [ThreadStatic]
    private static bool packedBInUse;

    [ThreadStatic]
    private static double[]? threadPackedA;

    [ThreadStatic]
    private static double[]? threadPackedB;

    /// <summary>
    /// This thread's packing buffer of at least <paramref name="length"/> elements and the offset at which it is
    /// 64-byte aligned: a 512-bit load that straddles two cache lines costs two, and the micro-kernel is load-bound
    /// otherwise. The buffer is pinned so that the alignment survives garbage collection.
    /// </summary>
    private static (double[] Buffer, int Offset) PackingBuffer(ref double[]? cached, int length)
    {
        if (cached is null || cached.Length < length + AlignDoubles)
        {
            cached = GC.AllocateUninitializedArray<double>(length + AlignDoubles, pinned: true);
        }
        return (cached, AlignedOffset(cached));
    }

    /// <summary>Doubles in one 64-byte cache line: the slack a buffer needs to be aligned inside.</summary>
    public const int AlignDoubles = 8;

    private static (double[] Buffer, int Offset) AlignedBuffer(int length)
    {
        var buffer = GC.AllocateUninitializedArray<double>(length + AlignDoubles, pinned: true);
        return (buffer, AlignedOffset(buffer));
    }

    private static unsafe int AlignedOffset(double[] pinned)
    {
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
        return (int)((64 - (address & 63)) & 63) / sizeof(double);
    }

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;

    /// <summary>Rows ic..ic+mc of C (mc ≤ Mc) against the packed block of B, with A packed into this thread's buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowBlock(
        GemmKernel kernel, int ic, int mc, int nc, int kc, int pc, int jc, double alpha, StridedMatrix a,
        double[] packedB, int bOffset, double beta, double[] c, int cOffset, int ldc)
    {
        (double[] packedA, int aOffset) = PackingBuffer(ref threadPackedA, Mc * Kc);
        PackA(kernel, a, ic, mc, pc, kc, packedA, aOffset);
        Span<double> edge = stackalloc double[12 * 16];
        ref double aRef = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(packedA), aOffset);
        ref double bRef = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(packedB), bOffset);
        ref double cRef = ref MemoryMarshal.GetArrayDataReference(c);
        int mrFull = PanelRows(kernel), nrFull = PanelColumns(kernel);
        for (int jr = 0; jr < nc; jr += nrFull)
        {
            int nr = Math.Min(nrFull, nc - jr);
            ref double bPanel = ref Unsafe.Add(ref bRef, jr * kc);
            for (int ir = 0; ir < mc; ir += mrFull)
            {
                int mr = Math.Min(mrFull, mc - ir);
                ref double aPanel = ref Unsafe.Add(ref aRef, ir * kc);
                int cIndex = cOffset + (ic + ir) * ldc + jc + jr;
                if (mr == mrFull && nr == nrFull)
                {
                    Kernel(kernel, kc, ref aPanel, ref bPanel, alpha, beta, ref Unsafe.Add(ref cRef, cIndex), ldc);
                }
                else
                {
                    // Partial tile: compute the full tile into scratch and add only the valid part.
                    ref double scratch = ref MemoryMarshal.GetReference(edge);
                    Kernel(kernel, kc, ref aPanel, ref bPanel, 1.0, 0.0, ref scratch, nrFull);
                    for (int i = 0; i < mr; i++)
                    {
                        for (int j = 0; j < nr; j++)
                        {
                            ref double target = ref Unsafe.Add(ref cRef, cIndex + i * ldc + j);
                            double value = alpha * edge[i * nrFull + j];
                            target = beta == 0.0 ? value : target + value;
                        }
                    }
                }
            }
        }
    }

    /// <summary>Packs A[ic.., pc..] (mc×kc) as consecutive Mr-row panels, each stored k-major; short panels are zero-filled.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(GemmKernel kernel, StridedMatrix a, int ic, int mc, int pc, int kc, double[] packed, int packedOffset)
    {
        int mrFull = PanelRows(kernel);
        ref double target = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(packed), packedOffset);
        ref double data = ref MemoryMarshal.GetArrayDataReference(a.Data);
        int stride = a.ColumnStride;
        for (int ir = 0; ir < mc; ir += mrFull)
        {
            int mr = Math.Min(mrFull, mc - ir);
            ref double panel = ref Unsafe.Add(ref target, ir * kc);
            if (a.RowStride == 1 && mr == mrFull)
            {
                // Row-contiguous source (a transposed view): each k step of the panel is one contiguous copy.
                ref double first = ref Unsafe.Add(ref data, a.Offset + ic + ir + pc * stride);
                for (int p = 0; p < kc; p++)
                {
                    Unsafe.CopyBlockUnaligned(
                        ref Unsafe.As<double, byte>(ref Unsafe.Add(ref panel, p * mrFull)),
                        ref Unsafe.As<double, byte>(ref Unsafe.Add(ref first, p * stride)),
                        (uint)(mrFull * sizeof(double)));
                }
                continue;
            }
            if (stride == 1 && mr == mrFull && Avx.IsSupported)
            {
                // Row-major source: each row is contiguous in k, so 4×4 blocks are transposed in registers.
                TransposeInto(ref Unsafe.Add(ref data, a.Offset + (ic + ir) * a.RowStride + pc), a.RowStride, mrFull, kc, ref panel);
                continue;
            }
            for (int i = 0; i < mrFull; i++)
            {
                if (i >= mr)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        Unsafe.Add(ref panel, p * mrFull + i) = 0.0;
                    }
                    continue;
                }
                ref double source = ref Unsafe.Add(ref data, a.Offset + (ic + ir + i) * a.RowStride + pc * stride);
                for (int p = 0; p < kc; p++)
                {
                    Unsafe.Add(ref panel, p * mrFull + i) = Unsafe.Add(ref source, p * stride);
                }
            }
        }
    }

    /// <summary>Packs B[pc.., jc..] (kc×nc) as consecutive Nr-column panels, each stored k-major; short panels are zero-filled.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(GemmKernel kernel, StridedMatrix b, int pc, int kc, int jc, int nc, double[] packed, int packedOffset)
    {
        int nrFull = PanelColumns(kernel);
        ref double target = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(packed), packedOffset);
        ref double data = ref MemoryMarshal.GetArrayDataReference(b.Data);
        for (int jr = 0; jr < nc; jr += nrFull)
        {
            int nr = Math.Min(nrFull, nc - jr);
            ref double panel = ref Unsafe.Add(ref target, jr * kc);
            if (b.ColumnStride == 1)
            {
                for (int p = 0; p < kc; p++)
                {
                    ref double source = ref Unsafe.Add(ref data, b.Offset + (pc + p) * b.RowStride + jc + jr);
                    ref double row = ref Unsafe.Add(ref panel, p * nrFull);
                    if (nr == nrFull)
                    {
                        Unsafe.CopyBlockUnaligned(
                            ref Unsafe.As<double, byte>(ref row), ref Unsafe.As<double, byte>(ref source), (uint)(nrFull * sizeof(double)));
                        continue;
                    }
                    for (int j = 0; j < nrFull; j++)
                    {
                        Unsafe.Add(ref row, j) = j < nr ? Unsafe.Add(ref source, j) : 0.0;
                    }
                }
                continue;
            }

            if (b.RowStride == 1 && nr == nrFull && Avx.IsSupported)
            {
                // Column-contiguous source (a transposed view): 4×4 blocks are transposed in registers.
                TransposeInto(ref Unsafe.Add(ref data, b.Offset + pc + (jc + jr) * b.ColumnStride), b.ColumnStride, nrFull, kc, ref panel);
                continue;
            }

            // Column-contiguous source with a partial panel: read down each source column, write with stride Nr.
            for (int j = 0; j < nrFull; j++)
            {
                if (j >= nr)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        Unsafe.Add(ref panel, p * nrFull + j) = 0.0;
                    }
                    continue;
                }
                ref double source = ref Unsafe.Add(ref data, b.Offset + pc * b.RowStride + (jc + jr + j) * b.ColumnStride);
                for (int p = 0; p < kc; p++)
                {
                    Unsafe.Add(ref panel, p * nrFull + j) = Unsafe.Add(ref source, p * b.RowStride);
                }
            }
        }
    }

    /// <summary>
    /// panel[p·lines + l] ← source[l·ld + p] for l &lt; <paramref name="lines"/>, p &lt; <paramref name="depth"/>: the
    /// packed layout from lines that are contiguous in k, four lines and four steps at a time. Lines past the last
    /// multiple of 4 (the 6-row panels of the 6×8 kernel end in two) are copied one element at a time: a 4×4 block
    /// there would read past the panel's rows and overwrite the next step's first entries.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeInto(ref double source, int ld, int lines, int depth, ref double panel)
    {
        int blockLines = lines & ~3;
        int p = 0;
        for (; p + 4 <= depth; p += 4)
        {
            for (int l = 0; l < blockLines; l += 4)
            {
                ref double s0 = ref Unsafe.Add(ref source, l * ld + p);
                Vector256<double> r0 = Vector256.LoadUnsafe(ref s0);
                Vector256<double> r1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref s0, ld));
                Vector256<double> r2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref s0, 2 * ld));
                Vector256<double> r3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref s0, 3 * ld));
                Vector256<double> u0 = Avx.UnpackLow(r0, r1);
                Vector256<double> u1 = Avx.UnpackHigh(r0, r1);
                Vector256<double> u2 = Avx.UnpackLow(r2, r3);
                Vector256<double> u3 = Avx.UnpackHigh(r2, r3);
                ref double t = ref Unsafe.Add(ref panel, p * lines + l);
                Avx.Permute2x128(u0, u2, 0x20).StoreUnsafe(ref t);
                Avx.Permute2x128(u1, u3, 0x20).StoreUnsafe(ref Unsafe.Add(ref t, lines));
                Avx.Permute2x128(u0, u2, 0x31).StoreUnsafe(ref Unsafe.Add(ref t, 2 * lines));
                Avx.Permute2x128(u1, u3, 0x31).StoreUnsafe(ref Unsafe.Add(ref t, 3 * lines));
            }
        }
        for (int l = blockLines; l < lines; l++)
        {
            for (int q = 0; q < p; q++)
            {
                Unsafe.Add(ref panel, q * lines + l) = Unsafe.Add(ref source, l * ld + q);
            }
        }
        for (; p < depth; p++)
        {
            for (int l = 0; l < lines; l++)
            {
                Unsafe.Add(ref panel, p * lines + l) = Unsafe.Add(ref source, l * ld + p);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel(GemmKernel kernel, int kc, ref double a, ref double b, double alpha, double beta, ref double c, int ldc)
    {
        switch (kernel)
        {
            case GemmKernel.Avx512:
                Kernel12x16(kc, ref a, ref b, alpha, beta, ref c, ldc);
                break;
            case GemmKernel.Vector256:
                Kernel6x8(kc, ref a, ref b, alpha, beta, ref c, ldc);
                break;
            default:
                ScalarKernel(kc, ref a, ref b, alpha, beta, ref c, ldc);
                break;
        }
    }

    /// <summary>
    /// C[12×16] ← β·C + α·Â·B̂ for one packed A panel and one packed B panel: 24 accumulators stay in zmm registers,
    /// each step is two loads of B, twelve broadcasts of A and 24 FMAs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel12x16(int kc, ref double a, ref double b, double alpha, double beta, ref double c, int ldc)
    {
        Vector512<double> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<double> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<double> c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default;
        Vector512<double> c90 = default, c91 = default, ca0 = default, ca1 = default, cb0 = default, cb1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<double> b0 = Vector512.LoadUnsafe(ref b);
            Vector512<double> b1 = Vector512.LoadUnsafe(ref b, 8);
            Vector512<double> x = Vector512.Create(a);
            c00 = Avx512F.FusedMultiplyAdd(x, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(Unsafe.Add(ref a, 1));
            c10 = Avx512F.FusedMultiplyAdd(x, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(Unsafe.Add(ref a, 2));
            c20 = Avx512F.FusedMultiplyAdd(x, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(Unsafe.Add(ref a, 3));
            c30 = Avx512F.FusedMultiplyAdd(x, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(Unsafe.Add(ref a, 4));
            c40 = Avx512F.FusedMultiplyAdd(x, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(Unsafe.Add(ref a, 5));
            c50 = Avx512F.FusedMultiplyAdd(x, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(Unsafe.Add(ref a, 6));
            c60 = Avx512F.FusedMultiplyAdd(x, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(Unsafe.Add(ref a, 7));
            c70 = Avx512F.FusedMultiplyAdd(x, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(x, b1, c71);
            x = Vector512.Create(Unsafe.Add(ref a, 8));
            c80 = Avx512F.FusedMultiplyAdd(x, b0, c80);
            c81 = Avx512F.FusedMultiplyAdd(x, b1, c81);
            x = Vector512.Create(Unsafe.Add(ref a, 9));
            c90 = Avx512F.FusedMultiplyAdd(x, b0, c90);
            c91 = Avx512F.FusedMultiplyAdd(x, b1, c91);
            x = Vector512.Create(Unsafe.Add(ref a, 10));
            ca0 = Avx512F.FusedMultiplyAdd(x, b0, ca0);
            ca1 = Avx512F.FusedMultiplyAdd(x, b1, ca1);
            x = Vector512.Create(Unsafe.Add(ref a, 11));
            cb0 = Avx512F.FusedMultiplyAdd(x, b0, cb0);
            cb1 = Avx512F.FusedMultiplyAdd(x, b1, cb1);
            a = ref Unsafe.Add(ref a, 12);
            b = ref Unsafe.Add(ref b, 16);
        }
        var va = Vector512.Create(alpha);
        StoreRow512(ref c, c00, c01, va, beta);
        StoreRow512(ref Unsafe.Add(ref c, ldc), c10, c11, va, beta);
        StoreRow512(ref Unsafe.Add(ref c, 2 * ldc), c20, c21, va, beta);
        StoreRow512(ref Unsafe.Add(ref c, 3 * ldc), c30, c31, va, beta);
        StoreRow512(ref Unsafe.Add(ref c, 4 * ldc), c40, c41, va, beta);
        StoreRow512(ref Unsafe.Add(ref c, 5 * ldc), c50, c51, va, beta);
        StoreRow512(ref Unsafe.Add(ref c, 6 * ldc), c60, c61, va, beta);
        StoreRow512(ref Unsafe.Add(ref c, 7 * ldc), c70, c71, va, beta);
        StoreRow512(ref Unsafe.Add(ref c, 8 * ldc), c80, c81, va, beta);
        StoreRow512(ref Unsafe.Add(ref c, 9 * ldc), c90, c91, va, beta);
        StoreRow512(ref Unsafe.Add(ref c, 10 * ldc), ca0, ca1, va, beta);
        StoreRow512(ref Unsafe.Add(ref c, 11 * ldc), cb0, cb1, va, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow512(ref double row, Vector512<double> left, Vector512<double> right, Vector512<double> alpha, double beta)
    {
        if (beta == 0.0)
        {
            (alpha * left).StoreUnsafe(ref row);
            (alpha * right).StoreUnsafe(ref row, 8);
        }
        else
        {
            Avx512F.FusedMultiplyAdd(alpha, left, Vector512.LoadUnsafe(ref row)).StoreUnsafe(ref row);
            Avx512F.FusedMultiplyAdd(alpha, right, Vector512.LoadUnsafe(ref row, 8)).StoreUnsafe(ref row, 8);
        }
    }

    /// <summary>
    /// C[6×8] ← β·C + α·Â·B̂ for one packed A panel and one packed B panel: twelve accumulators stay in registers,
    /// each step is two loads of B, six broadcasts of A and twelve FMAs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x8(int kc, ref double a, ref double b, double alpha, double beta, ref double c, int ldc)
    {
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
            a = ref Unsafe.Add(ref a, 6);
            b = ref Unsafe.Add(ref b, 8);
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

    /// <summary>The 6×8 tile without vectors, for CPUs that have none (and as the reference the tests hold the others to).</summary>
    private static void ScalarKernel(int kc, ref double a, ref double b, double alpha, double beta, ref double c, int ldc)
    {
        const int mr = 6, nr = 8;
        Span<double> acc = stackalloc double[mr * nr];
        acc.Clear();
        for (int p = 0; p < kc; p++)
        {
            for (int i = 0; i < mr; i++)
            {
                double x = Unsafe.Add(ref a, p * mr + i);
                for (int j = 0; j < nr; j++)
                {
                    acc[i * nr + j] += x * Unsafe.Add(ref b, p * nr + j);
                }
            }
        }
        for (int i = 0; i < mr; i++)
        {
            for (int j = 0; j < nr; j++)
            {
                ref double target = ref Unsafe.Add(ref c, i * ldc + j);
                target = beta == 0.0 ? alpha * acc[i * nr + j] : target + alpha * acc[i * nr + j];
            }
        }
    }
}
