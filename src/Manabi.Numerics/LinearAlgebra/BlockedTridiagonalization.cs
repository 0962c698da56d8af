using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Manabi.Numerics.LinearAlgebra;

/// <summary>
/// The leading columns of the Householder tridiagonalization in panels (LAPACK dsytrd/dlatrd design, written for
/// row-major storage of the lower triangle): within a panel of <see cref="PanelWidth"/> columns the trailing matrix is
/// left untouched and the reflectors' effect is carried as A − VWᵀ − WVᵀ, so each column costs one symmetric
/// matrix-vector product that reads every trailing element once; after the panel the trailing matrix is updated by a
/// rank-2·nb product through <see cref="PackedGemm"/>, where half of all the arithmetic then runs at matrix-matrix speed.
/// </summary>
/// <remarks>
/// The reflectors are stored as in the unblocked reduction (row k right of the diagonal, leading 1 included), so the
/// back-transformations are shared.
/// </remarks>
internal static class BlockedTridiagonalization
{
    /// <summary>Columns reduced per panel.</summary>
    internal const int PanelWidth = 32;

    /// <summary>Panels stop once the trailing matrix is this small; the unblocked reduction finishes it.</summary>
    internal const int Crossover = 128;

    // Below this trailing size a second thread costs more than it saves in the matrix-vector product.
    private const int ParallelThreshold = 192;

    // Participants in the panel reduction's team.
    private const int MaxTeamSize = 8;

    // Rows of the trailing lower triangle updated by one matrix product: its diagonal block is computed in full, so
    // this bounds the wasted upper half of each diagonal block. A multiple of both micro-tile heights (12 and 6) and
    // widths (16 and 8), so that full blocks have no partial tiles.
    private const int UpdateRowBlock = 96;

    /// <summary>
    /// Reduces columns 0..first−1 of the lower triangle of <paramref name="a"/> (row-major n×n) and applies their
    /// reflectors to the trailing matrix, which is left fully updated (lower triangle) for the unblocked reduction.
    /// </summary>
    /// <returns>The first column not yet reduced (0 when the matrix is too small for panels).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int ReduceLeadingColumns(double[] a, int n, double[] d, double[] e, double[] tau)
    {
        int nb = PanelWidth;
        if (n - nb < Crossover)
        {
            return 0;
        }

        // Row q of the panel array is vᵀ of panel column q, row nb + q is wᵀ, row 2nb + q vᵀ again, so that
        // [V W] and [W V]ᵀ are both plain strided views of it for the rank-2·nb update.
        var panel = new double[3 * nb * n];
        // The panel's columns as rows (row q = column k0 + q), copied once per panel: gathering each column from
        // its stride-n storage cost a cache and TLB miss per element.
        var columns = new double[nb * n];
        // Each column's product is a few tens of microseconds, so the thread pool's wake-up per product would cost a
        // third of it; the team's helpers spin between products instead. The product is bound by memory bandwidth,
        // which a few cores saturate.
        using var team = n - nb >= ParallelThreshold ? SpinningTeam.Create(MaxTeamSize) : null;
        // One accumulator per chunk of the symmetric product (two chunks per participant); the first receives the sum.
        var accumulators = new double[2 * (team?.Size ?? 1)][];
        for (int q = 0; q < accumulators.Length; q++)
        {
            accumulators[q] = new double[n];
        }
        // [0, 2nb) for the current column, [2nb, 4nb) for the next column's early correction.
        var coefficients = new double[4 * nb];
        int k0 = 0;
        for (; n - (k0 + nb) >= Crossover; k0 += nb)
        {
            Array.Clear(panel, 0, 2 * nb * n);
            CopyPanelColumns(a, n, k0, columns);
            for (int j = 0; j < nb; j++)
            {
                ReduceColumn(a, n, k0, j, d, e, tau, panel, columns, accumulators, coefficients, team);
            }
            Array.Copy(panel, 0, panel, 2 * nb * n, nb * n);
            UpdateTrailing(a, n, k0 + nb, panel, team);
        }
        return k0;
    }

    /// <summary>
    /// Column c = k0 + j: brings it up to date with the panel's earlier reflectors, forms its reflector, and stores
    /// vᵀ and wᵀ = τ(A − VWᵀ − WVᵀ)v − (τ²/2)(vᵀ(...)v)v as panel rows j and nb + j.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReduceColumn(
        double[] a, int n, int k0, int j, double[] d, double[] e, double[] tau,
        double[] panel, double[] columns, double[][] accumulators, double[] coefficients, SpinningTeam? team)
    {
        int nb = PanelWidth;
        int c = k0 + j;
        int wRows = nb * n;

        // The column (rows c..n−1) as the panel began, corrected here by the earlier panel columns.
        var column = columns.AsSpan(j * n, n);
        if (j > 0)
        {
            // column −= V·W[c, :]ᵀ + W·V[c, :]ᵀ; the previous column's product already applied panel columns
            // 0..j−2 (see below), so only the newest one remains.
            CorrectColumn(columns, j, panel, n, c, j - 1, j, coefficients);
        }
        d[c] = column[c];

        double alpha = column[c + 1];
        var below = column[(c + 2)..];
        double sigma2 = Dot(below, below);

        int start = c + 1;
        int length = n - start;
        var v = panel.AsSpan(j * n + start, length);
        if (sigma2 == 0.0)
        {
            // Already reduced: H = I, v = w = 0, so the panel rows stay zero; the next column still needs the early
            // correction that the product would have carried.
            tau[c] = 0.0;
            e[c] = alpha;
            Array.Clear(a, c * n + start, length);
            if (j > 0 && j + 1 < nb)
            {
                CorrectColumn(columns, j + 1, panel, n, c + 1, 0, j, coefficients.AsSpan(2 * nb));
            }
            return;
        }

        double norm = Math.Sqrt(alpha * alpha + sigma2);
        double beta = alpha >= 0 ? -norm : norm;
        double tauC = (beta - alpha) / beta;
        double scale = 1.0 / (alpha - beta);
        e[c] = beta;
        tau[c] = tauC;
        v[0] = 1.0;
        TensorPrimitives.Multiply(column.Slice(start + 1, length - 1), scale, v[1..]);
        v.CopyTo(a.AsSpan(c * n + start, length));

        // y = A₂₂v over the trailing block as it was when the panel began (lower triangle only).
        // Work the product does not depend on, done by whichever core is free during it: Wᵀv and Vᵀv for the
        // correction below, and the next column's correction by panel columns 0..j−1 (all but this one).
        Action<int> alongside = item =>
        {
            if (item == 0)
            {
                var vPanel = panel.AsSpan(j * n + start, length);
                DotRows(vPanel, panel, wRows + start, n, j, coefficients.AsSpan(0, j));
                DotRows(vPanel, panel, start, n, j, coefficients.AsSpan(nb, j));
            }
            else
            {
                CorrectColumn(columns, j + 1, panel, n, c + 1, 0, j, coefficients.AsSpan(2 * nb));
            }
        };
        int items = j == 0 ? 0 : j + 1 < nb ? 2 : 1;
        SymmetricMultiply(a, n, start, panel, j * n, accumulators, team, alongside, items);
        var y = accumulators[0].AsSpan(start, length);

        // y −= V(Wᵀv) + W(Vᵀv) for the earlier panel columns.
        if (j > 0)
        {
            SubtractRows(y, panel, start, n, j, coefficients.AsSpan(0, j));
            SubtractRows(y, panel, wRows + start, n, j, coefficients.AsSpan(nb, j));
        }

        // w = τy − (τ/2)(τyᵀv)v, so that the reflector's two-sided effect is A − vwᵀ − wvᵀ.
        double half = 0.5 * tauC * tauC * Dot(y, v);
        var w = panel.AsSpan(wRows + j * n + start, length);
        TensorPrimitives.Multiply(v, -half, w);
        TensorPrimitives.MultiplyAdd(y, tauC, w, w);
    }

    /// <summary>
    /// Column c, held as row <paramref name="row"/> of <paramref name="columns"/> (entries c..n−1), −= Σ_{q ∈ [from, to)}
    /// V_q·W_q[c] + W_q·V_q[c].
    /// </summary>
    private static void CorrectColumn(
        double[] columns, int row, double[] panel, int n, int c, int from, int to, Span<double> coefficients)
    {
        int count = to - from;
        if (count <= 0)
        {
            return;
        }
        int nb = PanelWidth;
        int wRows = nb * n;
        for (int q = 0; q < count; q++)
        {
            coefficients[q] = panel[wRows + (from + q) * n + c];
            coefficients[nb + q] = panel[(from + q) * n + c];
        }
        var target = columns.AsSpan(row * n + c, n - c);
        SubtractRows(target, panel, from * n + c, n, count, coefficients[..count]);
        SubtractRows(target, panel, wRows + from * n + c, n, count, coefficients.Slice(nb, count));
    }

    /// <summary>columns[q·n + i] ← a[i, k0 + q] for the panel's columns q and rows i ≥ k0 + q.</summary>
    private static void CopyPanelColumns(double[] a, int n, int k0, double[] columns)
    {
        int nb = PanelWidth;
        for (int i = k0; i < n; i++)
        {
            int width = Math.Min(nb, i - k0 + 1);
            var row = a.AsSpan(i * n + k0, width);
            for (int q = 0; q < width; q++)
            {
                columns[q * n + i] = row[q];
            }
        }
    }

    /// <summary>
    /// accumulators[0][start..n) ← A·v for the symmetric trailing block A = a[start.., start..] (lower triangle read
    /// once, each element serving both the row's dot product and its column's update), v = panel[vOffset + start..].
    /// </summary>
    /// <remarks>
    /// Large blocks are cut into two chunks of equal work per team member. Each member runs its own chunks first, so
    /// that its rows stay in its L2 from one column to the next, then takes any chunk another has not started, so a
    /// core that another process holds up delays at most one chunk. <paramref name="alongside"/>(0 ..
    /// <paramref name="alongsideItems"/>−1) is independent work run by whichever core is free.
    /// </remarks>
    private static void SymmetricMultiply(
        double[] a, int n, int start, double[] panel, int vOffset, double[][] accumulators, SpinningTeam? team,
        Action<int> alongside, int alongsideItems)
    {
        int m = n - start;
        if (m < ParallelThreshold || team is null)
        {
            for (int item = 0; item < alongsideItems; item++)
            {
                alongside(item);
            }
            Array.Clear(accumulators[0], start, m);
            SymmetricRows(a, n, start, start, n, panel, vOffset, accumulators[0]);
            return;
        }

        // Rows start..r cost ∝ (r − start)²: chunk q ends at start + m·√((q+1)/chunks).
        int chunks = accumulators.Length;
        // At m ≲ 700 the owned rows of each core fit its own L2.
        team.Run(chunks + alongsideItems, q =>
        {
            if (q >= chunks)
            {
                alongside(q - chunks);
                return;
            }
            int begin = ChunkBoundary(start, m, q, chunks);
            int end = ChunkBoundary(start, m, q + 1, chunks);
            // The first accumulator receives every chunk's sum, so all of it starts from zero.
            Array.Clear(accumulators[q], start, (q == 0 ? n : end) - start);
            SymmetricRows(a, n, start, begin, end, panel, vOffset, accumulators[q]);
        }, owned: chunks);
        // Chunk q wrote entries start..end_q only.
        for (int q = 1; q < chunks; q++)
        {
            int end = ChunkBoundary(start, m, q + 1, chunks);
            var sum = accumulators[0].AsSpan(start, end - start);
            DenseKernels.AddScaled(sum, accumulators[q].AsSpan(start, end - start), 1.0);
        }
    }

    private static int ChunkBoundary(int start, int m, int q, int chunks) =>
        q >= chunks ? start + m : start + (int)(m * Math.Sqrt((double)q / chunks));

    /// <summary>
    /// Rows rowBegin..rowEnd−1 of the symmetric product: four rows at a time share each load and store of v and y,
    /// so the loop moves mostly matrix data (the bound on this phase).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SymmetricRows(double[] a, int n, int start, int rowBegin, int rowEnd, double[] panel, int vOffset, double[] y)
    {
        ref double vRef = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(panel), vOffset);
        ref double yRef = ref MemoryMarshal.GetArrayDataReference(y);
        ref double aRef = ref MemoryMarshal.GetArrayDataReference(a);
        int width = Vector<double>.Count;
        int i = rowBegin;
        for (; i + 4 <= rowEnd; i += 4)
        {
            ref double row0 = ref Unsafe.Add(ref aRef, i * n);
            ref double row1 = ref Unsafe.Add(ref row0, n);
            ref double row2 = ref Unsafe.Add(ref row1, n);
            ref double row3 = ref Unsafe.Add(ref row2, n);
            double v0 = Unsafe.Add(ref vRef, i), v1 = Unsafe.Add(ref vRef, i + 1);
            double v2 = Unsafe.Add(ref vRef, i + 2), v3 = Unsafe.Add(ref vRef, i + 3);
            var vv0 = new Vector<double>(v0);
            var vv1 = new Vector<double>(v1);
            var vv2 = new Vector<double>(v2);
            var vv3 = new Vector<double>(v3);
            Vector<double> acc0 = Vector<double>.Zero, acc1 = Vector<double>.Zero;
            Vector<double> acc2 = Vector<double>.Zero, acc3 = Vector<double>.Zero;

            // Columns start..i−1 are left of all four diagonals.
            int j = start;
            for (; j + width <= i; j += width)
            {
                var vj = Vector.LoadUnsafe(ref vRef, (nuint)j);
                var r0 = Vector.LoadUnsafe(ref row0, (nuint)j);
                var r1 = Vector.LoadUnsafe(ref row1, (nuint)j);
                var r2 = Vector.LoadUnsafe(ref row2, (nuint)j);
                var r3 = Vector.LoadUnsafe(ref row3, (nuint)j);
                acc0 = Vector.FusedMultiplyAdd(r0, vj, acc0);
                acc1 = Vector.FusedMultiplyAdd(r1, vj, acc1);
                acc2 = Vector.FusedMultiplyAdd(r2, vj, acc2);
                acc3 = Vector.FusedMultiplyAdd(r3, vj, acc3);
                var yj = Vector.LoadUnsafe(ref yRef, (nuint)j);
                yj = Vector.FusedMultiplyAdd(r0, vv0, yj);
                yj = Vector.FusedMultiplyAdd(r1, vv1, yj);
                yj = Vector.FusedMultiplyAdd(r2, vv2, yj);
                yj = Vector.FusedMultiplyAdd(r3, vv3, yj);
                yj.StoreUnsafe(ref yRef, (nuint)j);
            }
            double d0 = Vector.Sum(acc0), d1 = Vector.Sum(acc1), d2 = Vector.Sum(acc2), d3 = Vector.Sum(acc3);
            for (; j < i; j++)
            {
                double vj = Unsafe.Add(ref vRef, j);
                double r0 = Unsafe.Add(ref row0, j), r1 = Unsafe.Add(ref row1, j);
                double r2 = Unsafe.Add(ref row2, j), r3 = Unsafe.Add(ref row3, j);
                d0 += r0 * vj;
                d1 += r1 * vj;
                d2 += r2 * vj;
                d3 += r3 * vj;
                Unsafe.Add(ref yRef, j) += r0 * v0 + r1 * v1 + r2 * v2 + r3 * v3;
            }

            // The 4×4 diagonal block: its strict lower part serves both products, the diagonal once.
            double a10 = Unsafe.Add(ref row1, i);
            double a20 = Unsafe.Add(ref row2, i), a21 = Unsafe.Add(ref row2, i + 1);
            double a30 = Unsafe.Add(ref row3, i), a31 = Unsafe.Add(ref row3, i + 1), a32 = Unsafe.Add(ref row3, i + 2);
            Unsafe.Add(ref yRef, i) += d0 + Unsafe.Add(ref row0, i) * v0 + a10 * v1 + a20 * v2 + a30 * v3;
            Unsafe.Add(ref yRef, i + 1) += d1 + a10 * v0 + Unsafe.Add(ref row1, i + 1) * v1 + a21 * v2 + a31 * v3;
            Unsafe.Add(ref yRef, i + 2) += d2 + a20 * v0 + a21 * v1 + Unsafe.Add(ref row2, i + 2) * v2 + a32 * v3;
            Unsafe.Add(ref yRef, i + 3) += d3 + a30 * v0 + a31 * v1 + a32 * v2 + Unsafe.Add(ref row3, i + 3) * v3;
        }
        for (; i < rowEnd; i++)
        {
            ref double row = ref Unsafe.Add(ref aRef, i * n);
            double vi = Unsafe.Add(ref vRef, i);
            double dot = 0.0;
            for (int j = start; j < i; j++)
            {
                double r = Unsafe.Add(ref row, j);
                dot += r * Unsafe.Add(ref vRef, j);
                Unsafe.Add(ref yRef, j) += vi * r;
            }
            Unsafe.Add(ref yRef, i) += dot + Unsafe.Add(ref row, i) * vi;
        }
    }

    /// <summary>
    /// Lower triangle of a[s.., s..] −= VWᵀ + WVᵀ = [V W]·[W V]ᵀ over the panel's rows, in row blocks whose
    /// columns stop at the block's last row.
    /// </summary>
    /// <remarks>
    /// The row blocks are shared out between cores whole, each a single-threaded product that packs its own slice of
    /// [W V]ᵀ: one product per block split four ways measured at half the kernel's speed, its packing of B serial and
    /// its four row slices too thin. The blocks are dealt out from the bottom, the widest first, so that the narrow
    /// ones even out the finish.
    /// </remarks>
    private static void UpdateTrailing(double[] a, int n, int s, double[] panel, SpinningTeam? team)
    {
        int nb = PanelWidth;
        int blocks = (n - s + UpdateRowBlock - 1) / UpdateRowBlock;
        void UpdateBlock(int widestFirst)
        {
            int r0 = s + (blocks - 1 - widestFirst) * UpdateRowBlock;
            int r1 = Math.Min(n, r0 + UpdateRowBlock);
            PackedGemm.Multiply(
                r1 - r0, r1 - s, 2 * nb, -1.0,
                StridedMatrix.Transposed(panel, r0, n), StridedMatrix.RowMajor(panel, nb * n + s, n),
                1.0, a, r0 * n + s, n, allowParallel: false);
        }

        if (n - s >= ParallelThreshold && team is not null)
        {
            team.Run(blocks, UpdateBlock);
            return;
        }
        for (int block = 0; block < blocks; block++)
        {
            UpdateBlock(block);
        }
    }

    /// <summary>
    /// target −= Σ_r coefficients[r]·panel[first + r·n ..] (each row as long as target): four rows per pass, so
    /// target is loaded and stored once per four rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SubtractRows(Span<double> target, double[] panel, int first, int n, int count, ReadOnlySpan<double> coefficients)
    {
        int length = target.Length;
        ref double t = ref MemoryMarshal.GetReference(target);
        ref double p = ref MemoryMarshal.GetArrayDataReference(panel);
        int width = Vector<double>.Count;
        int r = 0;
        for (; r + 4 <= count; r += 4)
        {
            ref double r0 = ref Unsafe.Add(ref p, first + r * n);
            ref double r1 = ref Unsafe.Add(ref r0, n);
            ref double r2 = ref Unsafe.Add(ref r1, n);
            ref double r3 = ref Unsafe.Add(ref r2, n);
            double c0 = -coefficients[r], c1 = -coefficients[r + 1], c2 = -coefficients[r + 2], c3 = -coefficients[r + 3];
            var v0 = new Vector<double>(c0);
            var v1 = new Vector<double>(c1);
            var v2 = new Vector<double>(c2);
            var v3 = new Vector<double>(c3);
            int i = 0;
            for (; i + width <= length; i += width)
            {
                var x = Vector.LoadUnsafe(ref t, (nuint)i);
                x = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref r0, (nuint)i), v0, x);
                x = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref r1, (nuint)i), v1, x);
                x = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref r2, (nuint)i), v2, x);
                x = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref r3, (nuint)i), v3, x);
                x.StoreUnsafe(ref t, (nuint)i);
            }
            for (; i < length; i++)
            {
                Unsafe.Add(ref t, i) += c0 * Unsafe.Add(ref r0, i) + c1 * Unsafe.Add(ref r1, i)
                    + c2 * Unsafe.Add(ref r2, i) + c3 * Unsafe.Add(ref r3, i);
            }
        }
        for (; r < count; r++)
        {
            AddScaled(target, panel.AsSpan(first + r * n, length), -coefficients[r]);
        }
    }

    /// <summary>results[r] ← panel[first + r·n ..]·x for r &lt; count: four rows per pass over x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotRows(ReadOnlySpan<double> x, double[] panel, int first, int n, int count, Span<double> results)
    {
        int length = x.Length;
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double p = ref MemoryMarshal.GetArrayDataReference(panel);
        int width = Vector<double>.Count;
        int r = 0;
        for (; r + 4 <= count; r += 4)
        {
            ref double r0 = ref Unsafe.Add(ref p, first + r * n);
            ref double r1 = ref Unsafe.Add(ref r0, n);
            ref double r2 = ref Unsafe.Add(ref r1, n);
            ref double r3 = ref Unsafe.Add(ref r2, n);
            Vector<double> a0 = Vector<double>.Zero, a1 = Vector<double>.Zero, a2 = Vector<double>.Zero, a3 = Vector<double>.Zero;
            int i = 0;
            for (; i + width <= length; i += width)
            {
                var xi = Vector.LoadUnsafe(ref xr, (nuint)i);
                a0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref r0, (nuint)i), xi, a0);
                a1 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref r1, (nuint)i), xi, a1);
                a2 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref r2, (nuint)i), xi, a2);
                a3 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref r3, (nuint)i), xi, a3);
            }
            double s0 = Vector.Sum(a0), s1 = Vector.Sum(a1), s2 = Vector.Sum(a2), s3 = Vector.Sum(a3);
            for (; i < length; i++)
            {
                double xi = Unsafe.Add(ref xr, i);
                s0 += Unsafe.Add(ref r0, i) * xi;
                s1 += Unsafe.Add(ref r1, i) * xi;
                s2 += Unsafe.Add(ref r2, i) * xi;
                s3 += Unsafe.Add(ref r3, i) * xi;
            }
            results[r] = s0;
            results[r + 1] = s1;
            results[r + 2] = s2;
            results[r + 3] = s3;
        }
        for (; r < count; r++)
        {
            results[r] = Dot(panel.AsSpan(first + r * n, length), x);
        }
    }

    private static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y) =>
        DenseKernels.Dot(x, y);

    /// <summary>target += scale·source.</summary>
    private static void AddScaled(Span<double> target, ReadOnlySpan<double> source, double scale) =>
        DenseKernels.AddScaled(target, source, scale);
}
