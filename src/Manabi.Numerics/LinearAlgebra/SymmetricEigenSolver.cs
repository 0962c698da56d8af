using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Manabi.Numerics.LinearAlgebra;

/// <summary>
/// Dense symmetric eigensolver: Householder tridiagonalization; then, with vectors, divide and conquer
/// (<see cref="TridiagonalDivideAndConquer"/>) and a compact-WY back-transformation on <see cref="PackedGemm"/>,
/// or implicit QL with Wilkinson-type shifts and a row-blocked back-transformation (values alone, or on request). All work arrays are row-major so that the hot loops
/// run over contiguous memory with <see cref="Vector{T}"/> and can be split between cores.
/// </summary>
internal static class SymmetricEigenSolver
{
    // Below this trailing size a second thread costs more than it saves.
    private const int ParallelThreshold = 192;

    // Rows of the eigenvector matrix back-transformed together, so each reflector is read once per block.
    private const int BackTransformRowBlock = 16;

    // Reflectors aggregated into one compact-WY block I − YTYᵀ by the blocked back-transformation.
    // (64 measured level with or ahead of 96 and 128 at n = 300 and 1000: larger blocks spend more on forming T and TᵀYᵀ.)
    private const int ReflectorBlock = 64;

    // Eigenvector rows back-transformed together by one core through every reflector block: a multiple of the GEMM
    // micro-tile height, and at n = 1000 three quarters of the 1 MB L2.
    private const int BackTransformRowChunk = 96;

    // Below this size the matrix-matrix form does not pay for its packing.
    private const int BlockedBackTransformThreshold = 160;

    /// <summary>Solves the symmetric eigenproblem of the lower triangle of <paramref name="a"/>.</summary>
    /// <param name="a">Row-major n×n working copy; only the lower triangle is read. It is overwritten.</param>
    /// <param name="n">Dimension.</param>
    /// <param name="computeVectors">Whether to compute eigenvectors.</param>
    /// <param name="vectorsTransposed">Row-major n×n, row j = unit eigenvector of value j; null without vectors.</param>
    /// <param name="method">How the tridiagonal eigenvectors are found; QL is kept for comparison.</param>
    /// <returns>Eigenvalues, ascending.</returns>
    public static double[] Solve(
        double[] a, int n, bool computeVectors, out double[]? vectorsTransposed,
        TridiagonalMethod method = TridiagonalMethod.DivideAndConquer) =>
        Solve(a, n, computeVectors, method, columns: null, out vectorsTransposed);

    /// <summary>
    /// Values and vectors, the vectors as the columns of a new n×n matrix (column j belongs to value j), written
    /// while the back-transformation still has them in cache rather than by a separate transpose.
    /// </summary>
    /// <param name="a">Row-major n×n working copy; only the lower triangle is read. It is overwritten.</param>
    /// <param name="n">Dimension.</param>
    /// <param name="vectors">The eigenvectors as columns.</param>
    /// <returns>Eigenvalues, ascending.</returns>
    public static double[] SolveWithColumnVectors(double[] a, int n, out double[,] vectors)
    {
        vectors = new double[n, n];
        return Solve(a, n, computeVectors: true, TridiagonalMethod.DivideAndConquer, vectors, out _);
    }

    private static double[] Solve(
        double[] a, int n, bool computeVectors, TridiagonalMethod method, double[,]? columns, out double[]? vectorsTransposed)
    {
        var d = new double[n];
        var e = new double[n];
        var tau = new double[n];
        Tridiagonalize(a, n, d, e, tau);

        if (computeVectors && method == TridiagonalMethod.DivideAndConquer)
        {
            // Divide and conquer returns the values ascending and row j of the vectors matching value j.
            var vectors = new double[n * n];
            TridiagonalDivideAndConquer.Solve(d, e, vectors, n);
            if (n >= BlockedBackTransformThreshold)
            {
                BlockedBackTransform(a, tau, vectors, n, columns);
            }
            else
            {
                BackTransform(a, tau, vectors, n);
                if (columns is not null)
                {
                    Eigen.TransposeRows(vectors, columns, n, 0, n);
                }
            }
            vectorsTransposed = vectors;
            return d;
        }

        double[]? zt = null;
        if (computeVectors)
        {
            zt = new double[n * n];
            for (int i = 0; i < n; i++)
            {
                zt[i * n + i] = 1.0;
            }
        }

        TridiagonalQl(d, e, zt, n);

        int[] order = Enumerable.Range(0, n).ToArray();
        Array.Sort((double[])d.Clone(), order);
        var values = new double[n];
        for (int j = 0; j < n; j++)
        {
            values[j] = d[order[j]];
        }

        if (zt is null)
        {
            vectorsTransposed = null;
            return values;
        }

        var sorted = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            Array.Copy(zt, order[j] * n, sorted, j * n, n);
        }
        BackTransform(a, tau, sorted, n);
        if (columns is not null)
        {
            Eigen.TransposeRows(sorted, columns, n, 0, n);
        }
        vectorsTransposed = sorted;
        return values;
    }

    /// <summary>
    /// Reduces the lower triangle of <paramref name="a"/> to tridiagonal form T = QᵀAQ with
    /// Q = H₀H₁…H_{n−3}. Reflector k is I − τₖuₖuₖᵀ with uₖ supported on k+1..n−1 and uₖ[k+1] = 1;
    /// it is stored in row k right of the diagonal (the unused upper triangle).
    /// </summary>
    /// <remarks>
    /// Large matrices have their leading columns reduced in panels (<see cref="BlockedTridiagonalization"/>); the
    /// last columns, and small matrices, go one column at a time, the rank-2 update of step k−1 and the symmetric
    /// matrix-vector product of step k fused into one pass over the trailing lower triangle.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Tridiagonalize(double[] a, int n, double[] d, double[] e, double[] tau, bool blocked = true)
    {
        if (n == 1)
        {
            d[0] = a[0];
            return;
        }
        int first = blocked ? BlockedTridiagonalization.ReduceLeadingColumns(a, n, d, e, tau) : 0;

        var pendingV = new double[n];
        var pendingW = new double[n];
        var u = new double[n];
        var p0 = new double[n];
        var p1 = new double[n];
        bool pending = false;

        for (int k = first; k < n - 2; k++)
        {
            if (pending)
            {
                for (int i = k; i < n; i++)
                {
                    a[i * n + k] -= pendingV[i] * pendingW[k] + pendingW[i] * pendingV[k];
                }
            }
            d[k] = a[k * n + k];

            double alpha = a[(k + 1) * n + k];
            double sigma2 = 0.0;
            for (int i = k + 2; i < n; i++)
            {
                double x = a[i * n + k];
                sigma2 += x * x;
            }

            double tauK;
            if (sigma2 == 0.0)
            {
                // Column already reduced: H = I, but the pending update must still reach the trailing block.
                tauK = 0.0;
                e[k] = alpha;
                Array.Clear(u);
            }
            else
            {
                double norm = Math.Sqrt(alpha * alpha + sigma2);
                double beta = alpha >= 0 ? -norm : norm;
                tauK = (beta - alpha) / beta;
                double scale = 1.0 / (alpha - beta);
                e[k] = beta;
                u[k + 1] = 1.0;
                for (int i = k + 2; i < n; i++)
                {
                    u[i] = a[i * n + k] * scale;
                }
            }
            tau[k] = tauK;
            Array.Copy(u, k + 1, a, k * n + k + 1, n - k - 1);

            FusedUpdateAndMultiply(a, n, k + 1, pending, pendingV, pendingW, u, p0, p1);

            // p = τ A u, w = p − (τ/2)(pᵀu) u, so that A ← A − u wᵀ − w uᵀ.
            double pu = 0.0;
            for (int i = k + 1; i < n; i++)
            {
                p0[i] = tauK * (p0[i] + p1[i]);
                pu += p0[i] * u[i];
            }
            double half = 0.5 * tauK * pu;
            for (int i = k + 1; i < n; i++)
            {
                pendingW[i] = p0[i] - half * u[i];
            }
            (pendingV, u) = (u, pendingV);
            pending = tauK != 0.0;
        }

        int last = n - 2;
        if (pending)
        {
            for (int i = last; i < n; i++)
            {
                for (int j = last; j <= i; j++)
                {
                    a[i * n + j] -= pendingV[i] * pendingW[j] + pendingW[i] * pendingV[j];
                }
            }
        }
        d[last] = a[last * n + last];
        d[n - 1] = a[(n - 1) * n + n - 1];
        e[last] = a[(n - 1) * n + last];
        e[n - 1] = 0.0;
        tau[last] = 0.0;
    }

    /// <summary>
    /// For rows start..n−1 of the lower triangle: applies the pending rank-2 update and accumulates the
    /// symmetric product with <paramref name="u"/> into p0 + p1.
    /// </summary>
    private static void FusedUpdateAndMultiply(
        double[] a, int n, int start, bool pending, double[] v, double[] w, double[] u, double[] p0, double[] p1)
    {
        int m = n - start;
        Array.Clear(p0, start, m);
        Array.Clear(p1, start, m);
        if (m < ParallelThreshold)
        {
            FusedRows(a, n, start, start, n, pending, v, w, u, p0);
            return;
        }

        // Row i costs ∝ (i − start); split the triangle into halves of equal work.
        int split = start + (int)(m / Math.Sqrt(2.0));
        Parallel.Invoke(
            () => FusedRows(a, n, start, start, split, pending, v, w, u, p0),
            () => FusedRows(a, n, start, split, n, pending, v, w, u, p1));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FusedRows(
        double[] a, int n, int start, int rowBegin, int rowEnd, bool pending,
        double[] v, double[] w, double[] u, double[] p)
    {
        ref double uRef = ref MemoryMarshal.GetArrayDataReference(u);
        ref double vRef = ref MemoryMarshal.GetArrayDataReference(v);
        ref double wRef = ref MemoryMarshal.GetArrayDataReference(w);
        ref double pRef = ref MemoryMarshal.GetArrayDataReference(p);
        int width = Vector<double>.Count;

        for (int i = rowBegin; i < rowEnd; i++)
        {
            ref double row = ref MemoryMarshal.GetArrayDataReference(a);
            row = ref Unsafe.Add(ref row, i * n);
            double vi = pending ? v[i] : 0.0;
            double wi = pending ? w[i] : 0.0;
            double ui = u[i];
            var vVi = new Vector<double>(-vi);
            var vWi = new Vector<double>(-wi);
            var vUi = new Vector<double>(ui);
            var acc = Vector<double>.Zero;
            double dot = 0.0;

            int j = start;
            if (pending)
            {
                for (; j + width <= i; j += width)
                {
                    var r = Vector.LoadUnsafe(ref row, (nuint)j);
                    r = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref vRef, (nuint)j), vWi, r);
                    r = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref wRef, (nuint)j), vVi, r);
                    r.StoreUnsafe(ref row, (nuint)j);
                    acc = Vector.FusedMultiplyAdd(r, Vector.LoadUnsafe(ref uRef, (nuint)j), acc);
                    Vector.FusedMultiplyAdd(r, vUi, Vector.LoadUnsafe(ref pRef, (nuint)j)).StoreUnsafe(ref pRef, (nuint)j);
                }
                for (; j < i; j++)
                {
                    double r = Unsafe.Add(ref row, j) - v[j] * wi - w[j] * vi;
                    Unsafe.Add(ref row, j) = r;
                    dot += r * u[j];
                    p[j] += ui * r;
                }
                Unsafe.Add(ref row, i) -= 2.0 * vi * wi;
            }
            else
            {
                for (; j + width <= i; j += width)
                {
                    var r = Vector.LoadUnsafe(ref row, (nuint)j);
                    acc = Vector.FusedMultiplyAdd(r, Vector.LoadUnsafe(ref uRef, (nuint)j), acc);
                    Vector.FusedMultiplyAdd(r, vUi, Vector.LoadUnsafe(ref pRef, (nuint)j)).StoreUnsafe(ref pRef, (nuint)j);
                }
                for (; j < i; j++)
                {
                    double r = Unsafe.Add(ref row, j);
                    dot += r * u[j];
                    p[j] += ui * r;
                }
            }
            p[i] += Vector.Sum(acc) + dot + Unsafe.Add(ref row, i) * ui;
        }
    }

    /// <summary>
    /// Implicit QL on the tridiagonal (d, e) with e[i] coupling i and i+1 (after the EISPACK tql2 / JAMA scheme).
    /// Rotations are recorded and applied in batches to rows of <paramref name="zt"/>, strip by strip, so the
    /// eigenvector matrix is streamed from memory once per batch instead of once per rotation sweep.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void TridiagonalQl(double[] d, double[] e, double[]? zt, int n)
    {
        var rotations = zt is null ? null : new RotationBatch(zt, n);
        double f = 0.0;
        double tst1 = 0.0;
        const double eps = 2.220446049250313e-16;
        const int maxIterationsPerValue = 60;

        for (int l = 0; l < n; l++)
        {
            tst1 = Math.Max(tst1, Math.Abs(d[l]) + Math.Abs(e[l]));
            int m = l;
            while (m < n - 1 && Math.Abs(e[m]) > eps * tst1)
            {
                m++;
            }

            if (m > l)
            {
                int iteration = 0;
                do
                {
                    if (++iteration > maxIterationsPerValue)
                    {
                        throw new InvalidOperationException(
                            $"The tridiagonal QL iteration did not converge for eigenvalue {l} after {maxIterationsPerValue} iterations.");
                    }

                    double g = d[l];
                    double p = (d[l + 1] - g) / (2.0 * e[l]);
                    double r = Hypot(p, 1.0);
                    if (p < 0)
                    {
                        r = -r;
                    }
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++)
                    {
                        d[i] -= h;
                    }
                    f += h;

                    p = d[m];
                    double c = 1.0, c2 = 1.0, c3 = 1.0;
                    double el1 = e[l + 1];
                    double s = 0.0, s2 = 0.0;
                    for (int i = m - 1; i >= l; i--)
                    {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = Hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        rotations?.Add(i, c, s);
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                }
                while (Math.Abs(e[l]) > eps * tst1);
            }
            d[l] += f;
            e[l] = 0.0;
        }
        rotations?.Flush();
    }

    private static double Hypot(double x, double y)
    {
        x = Math.Abs(x);
        y = Math.Abs(y);
        if (x < y)
        {
            (x, y) = (y, x);
        }
        if (x == 0.0)
        {
            return 0.0;
        }
        double t = y / x;
        return x * Math.Sqrt(1.0 + t * t);
    }

    /// <summary>Records plane rotations of rows (i, i+1) and applies them in order, strip-mined over columns.</summary>
    private sealed class RotationBatch(double[] zt, int n)
    {
        private readonly int capacity = Math.Max(1024, 16 * n);
        private readonly int[] index = new int[Math.Max(1024, 16 * n)];
        private readonly double[] cosines = new double[Math.Max(1024, 16 * n)];
        private readonly double[] sines = new double[Math.Max(1024, 16 * n)];
        private int count;

        public void Add(int i, double c, double s)
        {
            if (count == capacity)
            {
                Flush();
            }
            index[count] = i;
            cosines[count] = c;
            sines[count] = s;
            count++;
        }

        public void Flush()
        {
            if (count == 0)
            {
                return;
            }
            int chunkWidth = 4 * Vector<double>.Count;
            int fullChunks = n / chunkWidth;
            if (n >= ParallelThreshold)
            {
                // Contiguous ranges per worker: neighbouring chunks share a cache line at their boundary.
                int workers = Math.Min(Environment.ProcessorCount, fullChunks);
                Parallel.For(0, workers, worker =>
                {
                    for (int chunk = worker * fullChunks / workers; chunk < (worker + 1) * fullChunks / workers; chunk++)
                    {
                        ApplyToChunk(chunk * chunkWidth);
                    }
                });
            }
            else
            {
                for (int chunk = 0; chunk < fullChunks; chunk++)
                {
                    ApplyToChunk(chunk * chunkWidth);
                }
            }
            ApplyToColumns(fullChunks * chunkWidth, n);
            count = 0;
        }

        /// <summary>
        /// Applies every recorded rotation to columns [begin, begin + 4·Vector.Count). Consecutive rotations of a
        /// sweep share a row, so that row is carried in registers: one load and one store per rotation.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void ApplyToChunk(int begin)
        {
            int width = Vector<double>.Count;
            ref double z = ref MemoryMarshal.GetArrayDataReference(zt);
            z = ref Unsafe.Add(ref z, begin);
            Vector<double> c0 = default, c1 = default, c2 = default, c3 = default;
            int carryRow = -1;
            for (int r = 0; r < count; r++)
            {
                int i = index[r];
                var vc = new Vector<double>(cosines[r]);
                var vs = new Vector<double>(sines[r]);
                ref double upper = ref Unsafe.Add(ref z, i * n);
                ref double lower = ref Unsafe.Add(ref z, (i + 1) * n);
                Vector<double> x0, x1, x2, x3, y0, y1, y2, y3;
                if (carryRow == i + 1)
                {
                    (y0, y1, y2, y3) = (c0, c1, c2, c3);
                    x0 = Vector.LoadUnsafe(ref upper, 0);
                    x1 = Vector.LoadUnsafe(ref upper, (nuint)width);
                    x2 = Vector.LoadUnsafe(ref upper, (nuint)(2 * width));
                    x3 = Vector.LoadUnsafe(ref upper, (nuint)(3 * width));
                }
                else
                {
                    if (carryRow == i)
                    {
                        (x0, x1, x2, x3) = (c0, c1, c2, c3);
                    }
                    else
                    {
                        if (carryRow >= 0)
                        {
                            StoreCarry(ref Unsafe.Add(ref z, carryRow * n), c0, c1, c2, c3);
                        }
                        x0 = Vector.LoadUnsafe(ref upper, 0);
                        x1 = Vector.LoadUnsafe(ref upper, (nuint)width);
                        x2 = Vector.LoadUnsafe(ref upper, (nuint)(2 * width));
                        x3 = Vector.LoadUnsafe(ref upper, (nuint)(3 * width));
                    }
                    y0 = Vector.LoadUnsafe(ref lower, 0);
                    y1 = Vector.LoadUnsafe(ref lower, (nuint)width);
                    y2 = Vector.LoadUnsafe(ref lower, (nuint)(2 * width));
                    y3 = Vector.LoadUnsafe(ref lower, (nuint)(3 * width));
                }
                StoreCarry(
                    ref lower,
                    Vector.FusedMultiplyAdd(vs, x0, vc * y0),
                    Vector.FusedMultiplyAdd(vs, x1, vc * y1),
                    Vector.FusedMultiplyAdd(vs, x2, vc * y2),
                    Vector.FusedMultiplyAdd(vs, x3, vc * y3));
                c0 = Vector.FusedMultiplyAdd(vc, x0, -(vs * y0));
                c1 = Vector.FusedMultiplyAdd(vc, x1, -(vs * y1));
                c2 = Vector.FusedMultiplyAdd(vc, x2, -(vs * y2));
                c3 = Vector.FusedMultiplyAdd(vc, x3, -(vs * y3));
                carryRow = i;
            }
            if (carryRow >= 0)
            {
                StoreCarry(ref Unsafe.Add(ref z, carryRow * n), c0, c1, c2, c3);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreCarry(ref double row, Vector<double> v0, Vector<double> v1, Vector<double> v2, Vector<double> v3)
        {
            int width = Vector<double>.Count;
            v0.StoreUnsafe(ref row, 0);
            v1.StoreUnsafe(ref row, (nuint)width);
            v2.StoreUnsafe(ref row, (nuint)(2 * width));
            v3.StoreUnsafe(ref row, (nuint)(3 * width));
        }

        /// <summary>Applies every recorded rotation to the leftover columns [begin, end), one column at a time.</summary>
        private void ApplyToColumns(int begin, int end)
        {
            for (int r = 0; r < count; r++)
            {
                int i = index[r];
                double c = cosines[r];
                double s = sines[r];
                int upper = i * n;
                int lower = upper + n;
                for (int j = begin; j < end; j++)
                {
                    double x = zt[upper + j];
                    double y = zt[lower + j];
                    zt[lower + j] = s * x + c * y;
                    zt[upper + j] = c * x - s * y;
                }
            }
        }
    }

    /// <summary>
    /// Turns eigenvectors of T into eigenvectors of A: each row z of <paramref name="zt"/> becomes
    /// z·H_{n−3}…H₀ (the reflectors are symmetric), i.e. the row form of Q·z.
    /// </summary>
    private static void BackTransform(double[] a, double[] tau, double[] zt, int n)
    {
        int blocks = (n + BackTransformRowBlock - 1) / BackTransformRowBlock;
        if (n >= ParallelThreshold)
        {
            Parallel.For(0, blocks, block => BackTransformBlock(a, tau, zt, n, block));
        }
        else
        {
            for (int block = 0; block < blocks; block++)
            {
                BackTransformBlock(a, tau, zt, n, block);
            }
        }
    }

    /// <summary>
    /// The back-transformation of <see cref="BackTransform"/> with the reflectors aggregated in blocks of
    /// <see cref="ReflectorBlock"/> as I − YTYᵀ (LAPACK dlarft/dlarfb), so that nearly all the work is two matrix
    /// products per block: Zᵀ ← Zᵀ − (ZᵀY)(TᵀYᵀ), last block first.
    /// </summary>
    /// <remarks>
    /// Each eigenvector row is transformed independently of the others, so the rows are cut into chunks of
    /// <see cref="BackTransformRowChunk"/> that run every block start to finish with no synchronization between
    /// cores: a chunk stays in L2 across blocks, and a core that another process holds up delays only its chunk.
    /// When <paramref name="columns"/> is given, each finished chunk is also written into it transposed (column j =
    /// row j of <paramref name="zt"/>) while it is still in cache.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BlockedBackTransform(double[] a, double[] tau, double[] zt, int n, double[,]? columns = null)
    {
        int reflectors = n - 2;
        int blocks = (reflectors + ReflectorBlock - 1) / ReflectorBlock;
        bool parallel = n >= ParallelThreshold && Environment.ProcessorCount > 1;

        // Per block: Yᵀ (row j = reflector first+j on columns first+1.., zero left of its leading 1) and TᵀYᵀ.
        // All of them are packed into one pooled buffer: fresh arrays for them (16 MB at n = 1000) cost more in
        // zeroing and page faults than forming T and TᵀYᵀ does.
        var packedY = new PackedRight[blocks];
        var packedFolded = new PackedRight[blocks];
        var packedStart = new int[blocks + 1];
        for (int block = 0; block < blocks; block++)
        {
            int count = Math.Min(ReflectorBlock, reflectors - block * ReflectorBlock);
            int length = n - block * ReflectorBlock - 1;
            packedStart[block + 1] = packedStart[block]
                + PackedGemm.PackedRightLength(length, count) + PackedGemm.PackedRightLength(count, length);
        }
        double[] packed = ArrayPool<double>.Shared.Rent(packedStart[blocks] + PackedGemm.AlignDoubles);
        int packedOffset = PackedGemm.AlignedStart(packed);

        void PrepareBlock(int block)
        {
            int first = block * ReflectorBlock;
            int count = Math.Min(ReflectorBlock, reflectors - first);
            int length = n - first - 1;
            var pool = ArrayPool<double>.Shared;
            double[] yt = pool.Rent(count * length);
            for (int j = 0; j < count; j++)
            {
                int k = first + j;
                Array.Clear(yt, j * length, j);
                Array.Copy(a, k * n + k + 1, yt, j * length + j, n - k - 1);
            }
            double[] t = pool.Rent(count * count);
            Array.Clear(t, 0, count * count);
            FormTriangularFactor(yt, tau, first, count, length, t);
            double[] tyt = pool.Rent(count * length);
            PackedGemm.Multiply(
                count, length, count, 1.0, StridedMatrix.Transposed(t, 0, count), StridedMatrix.RowMajor(yt, 0, length),
                0.0, tyt, 0, length, allowParallel: false);
            // Packed once here rather than by every chunk's product.
            int offset = packedOffset + packedStart[block];
            packedY[block] = PackedGemm.PackRight(length, count, StridedMatrix.Transposed(yt, 0, length), packed, offset);
            offset += PackedGemm.PackedRightLength(length, count);
            packedFolded[block] = PackedGemm.PackRight(count, length, StridedMatrix.RowMajor(tyt, 0, length), packed, offset);
            pool.Return(yt);
            pool.Return(t);
            pool.Return(tyt);
        }

        void TransformChunk(int chunk)
        {
            int rowBegin = chunk * BackTransformRowChunk;
            int rows = Math.Min(BackTransformRowChunk, n - rowBegin);
            double[] w = ArrayPool<double>.Shared.Rent(rows * ReflectorBlock);
            for (int block = blocks - 1; block >= 0; block--)
            {
                int offset = block * ReflectorBlock + 1;
                int count = packedY[block].Columns;
                PackedGemm.Multiply(
                    rows, 1.0, StridedMatrix.RowMajor(zt, rowBegin * n + offset, n), packedY[block], 0.0, w, 0, count,
                    allowParallel: false);
                PackedGemm.Multiply(
                    rows, -1.0, StridedMatrix.RowMajor(w, 0, count), packedFolded[block], 1.0, zt, rowBegin * n + offset, n,
                    allowParallel: false);
            }
            ArrayPool<double>.Shared.Return(w);
            if (columns is not null)
            {
                Eigen.TransposeRows(zt, columns, n, rowBegin, rowBegin + rows);
            }
        }

        int chunks = (n + BackTransformRowChunk - 1) / BackTransformRowChunk;
        if (parallel)
        {
            Parallel.For(0, blocks, PrepareBlock);
            Parallel.For(0, chunks, TransformChunk);
        }
        else
        {
            for (int block = 0; block < blocks; block++)
            {
                PrepareBlock(block);
            }
            for (int chunk = 0; chunk < chunks; chunk++)
            {
                TransformChunk(chunk);
            }
        }
        ArrayPool<double>.Shared.Return(packed);
    }

    /// <summary>
    /// Upper-triangular T with H_first…H_{first+count−1} = I − YTYᵀ (dlarft, forward, columnwise):
    /// T[j,j] = τ_j and T[0:j, j] = −τ_j T[0:j, 0:j] Yᵀ y_j; row-major count×count.
    /// </summary>
    /// <remarks>
    /// All the inner products Yᵀy_j come from one matrix product (the full Gram matrix costs twice its upper half,
    /// but at matrix-matrix speed it is several times cheaper than one dot product per pair).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FormTriangularFactor(double[] yt, double[] tau, int first, int count, int length, double[] t)
    {
        var gram = new double[count * count];
        PackedGemm.Multiply(
            count, count, length, 1.0, StridedMatrix.RowMajor(yt, 0, length), StridedMatrix.Transposed(yt, 0, length),
            0.0, gram, 0, count, allowParallel: false);
        var column = new double[count];
        for (int j = 0; j < count; j++)
        {
            double tj = tau[first + j];
            t[j * count + j] = tj;
            if (tj == 0.0 || j == 0)
            {
                continue;
            }
            for (int i = 0; i < j; i++)
            {
                column[i] = -tj * gram[i * count + j];
            }
            // T[0:j, j] = T[0:j, 0:j]·column, T upper triangular: row i starts at its diagonal.
            for (int i = 0; i < j; i++)
            {
                t[i * count + j] = DenseKernels.Dot(
                    new ReadOnlySpan<double>(t, i * count + i, j - i), new ReadOnlySpan<double>(column, i, j - i));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackTransformBlock(double[] a, double[] tau, double[] zt, int n, int block)
    {
        int rowBegin = block * BackTransformRowBlock;
        int rowEnd = Math.Min(n, rowBegin + BackTransformRowBlock);
        int width = Vector<double>.Count;
        ref double aRef = ref MemoryMarshal.GetArrayDataReference(a);
        ref double zRef = ref MemoryMarshal.GetArrayDataReference(zt);
        for (int k = n - 3; k >= 0; k--)
        {
            double t = tau[k];
            if (t == 0.0)
            {
                continue;
            }
            int start = k + 1;
            ref double reflector = ref Unsafe.Add(ref aRef, k * n);
            for (int row = rowBegin; row < rowEnd; row++)
            {
                ref double z = ref Unsafe.Add(ref zRef, row * n);
                var acc = Vector<double>.Zero;
                int j = start;
                for (; j + width <= n; j += width)
                {
                    acc = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref z, (nuint)j), Vector.LoadUnsafe(ref reflector, (nuint)j), acc);
                }
                double dot = Vector.Sum(acc);
                for (; j < n; j++)
                {
                    dot += Unsafe.Add(ref z, j) * Unsafe.Add(ref reflector, j);
                }

                double scale = -t * dot;
                var vScale = new Vector<double>(scale);
                j = start;
                for (; j + width <= n; j += width)
                {
                    Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref reflector, (nuint)j), vScale, Vector.LoadUnsafe(ref z, (nuint)j))
                        .StoreUnsafe(ref z, (nuint)j);
                }
                for (; j < n; j++)
                {
                    Unsafe.Add(ref z, j) += scale * Unsafe.Add(ref reflector, j);
                }
            }
        }
    }
}
