using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Manabi.Numerics.LinearAlgebra;

/// <summary>
/// Cuppen's divide-and-conquer for the symmetric tridiagonal eigenproblem, after LAPACK dstedc/dlaed0–dlaed4:
/// tear the matrix into two halves by a rank-one correction, solve them recursively, then solve the rank-one
/// update D + ρzzᵀ. Small z components and close eigenvalues are deflated; the rest are roots of the secular
/// equation, whose eigenvectors come from the Gu–Eisenstat (Löwner) formula so that they stay orthogonal, and
/// are mapped back by matrix-matrix products, where nearly all of the work is.
/// </summary>
internal static class TridiagonalDivideAndConquer
{
    /// <summary>Subproblems up to this size are solved by implicit QL.</summary>
    internal const int LeafSize = 25;

    // Both halves of a split this large are solved on separate cores.
    private const int ParallelSplit = 160;

    // LAPACK's dlamch('E'): the unit roundoff 2⁻⁵³.
    private const double Eps = 1.1102230246251565e-16;

    private const int MaxSecularIterations = 200;

    /// <summary>
    /// Eigen-decomposition of the tridiagonal with diagonal <paramref name="d"/> and off-diagonal <paramref name="e"/>
    /// (e[i] couples i and i+1; e[n−1] is ignored).
    /// </summary>
    /// <param name="d">Diagonal; on return the eigenvalues, ascending.</param>
    /// <param name="e">Off-diagonal; destroyed.</param>
    /// <param name="zt">Row-major n×n output, zero on entry; row j becomes the unit eigenvector of value j.</param>
    /// <param name="n">Dimension.</param>
    public static void Solve(double[] d, double[] e, double[] zt, int n)
    {
        e[n - 1] = 0.0;
        double norm = 0.0;
        for (int i = 0; i < n; i++)
        {
            norm = Math.Max(norm, Math.Max(Math.Abs(d[i]), Math.Abs(e[i])));
        }
        if (norm == 0.0)
        {
            for (int i = 0; i < n; i++)
            {
                zt[i * n + i] = 1.0;
            }
            return;
        }

        // Scaled to unit norm, so the secular equation can neither overflow nor lose its small terms to underflow.
        double inverse = 1.0 / norm;
        for (int i = 0; i < n; i++)
        {
            d[i] *= inverse;
            e[i] *= inverse;
        }
        Recurse(d, e, zt, n, 0, n);
        for (int i = 0; i < n; i++)
        {
            d[i] *= norm;
        }
    }

    private static void Recurse(double[] d, double[] e, double[] zt, int n, int start, int size)
    {
        if (size <= LeafSize)
        {
            Leaf(d, e, zt, n, start, size);
            return;
        }
        int leftSize = size / 2;
        int tear = start + leftSize - 1;
        double rho = e[tear];
        d[tear] -= Math.Abs(rho);
        d[tear + 1] -= Math.Abs(rho);
        e[tear] = 0.0;

        if (size >= ParallelSplit)
        {
            Parallel.Invoke(
                () => Recurse(d, e, zt, n, start, leftSize),
                () => Recurse(d, e, zt, n, start + leftSize, size - leftSize));
        }
        else
        {
            Recurse(d, e, zt, n, start, leftSize);
            Recurse(d, e, zt, n, start + leftSize, size - leftSize);
        }
        Merge(d, zt, n, start, size, leftSize, rho);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Leaf(double[] d, double[] e, double[] zt, int n, int start, int size)
    {
        var dl = new double[size];
        var el = new double[size];
        Array.Copy(d, start, dl, 0, size);
        Array.Copy(e, start, el, 0, size - 1);
        var local = new double[size * size];
        for (int i = 0; i < size; i++)
        {
            local[i * size + i] = 1.0;
        }
        SymmetricEigenSolver.TridiagonalQl(dl, el, local, size);

        int[] order = Enumerable.Range(0, size).ToArray();
        Array.Sort((double[])dl.Clone(), order);
        for (int j = 0; j < size; j++)
        {
            d[start + j] = dl[order[j]];
            Array.Copy(local, order[j] * size, zt, (start + j) * n + start, size);
        }
    }

    /// <summary>
    /// Merges the solved halves [start, start+leftSize) and [start+leftSize, start+size), which the tear
    /// T = diag(T₁, T₂) + |ρ|vvᵀ with v = e_last + sign(ρ)e_first separated, into the decomposition of the whole block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Merge(double[] d, double[] zt, int n, int start, int size, int leftSize, double rho)
    {
        int rightSize = size - leftSize;
        var values = new double[size];
        var z = new double[size];
        Array.Copy(d, start, values, 0, size);

        // z = diag(Q₁, Q₂)ᵀ v: the last component of each left eigenvector and ±the first of each right one.
        double sign = rho < 0 ? -1.0 : 1.0;
        for (int j = 0; j < leftSize; j++)
        {
            z[j] = zt[(start + j) * n + start + leftSize - 1] * Math.Sqrt(0.5);
        }
        for (int j = leftSize; j < size; j++)
        {
            z[j] = sign * zt[(start + j) * n + start + leftSize] * Math.Sqrt(0.5);
        }
        // ‖v‖² = 2 is moved from z into ρ so that ‖z‖ = 1.
        rho = 2.0 * Math.Abs(rho);

        double maxValue = 0.0, maxZ = 0.0;
        for (int j = 0; j < size; j++)
        {
            maxValue = Math.Max(maxValue, Math.Abs(values[j]));
            maxZ = Math.Max(maxZ, Math.Abs(z[j]));
        }
        double tolerance = 8.0 * Eps * Math.Max(maxValue, maxZ);

        int[] sorted = Enumerable.Range(0, size).ToArray();
        Array.Sort((double[])values.Clone(), sorted);

        // Column structure of each eigenvector row: 1 = left half only, 2 = both, 3 = right half only.
        var structure = new byte[size];
        for (int j = 0; j < size; j++)
        {
            structure[j] = j < leftSize ? (byte)1 : (byte)3;
        }

        var kept = new List<int>(size);
        var deflated = new List<int>(size);
        if (rho * maxZ <= tolerance)
        {
            deflated.AddRange(sorted);
        }
        else
        {
            int previous = -1;
            foreach (int next in sorted)
            {
                if (rho * Math.Abs(z[next]) <= tolerance)
                {
                    deflated.Add(next);
                    continue;
                }
                if (previous < 0)
                {
                    previous = next;
                    continue;
                }
                double s = z[previous];
                double c = z[next];
                double tau = Hypot(c, s);
                double t = values[next] - values[previous];
                c /= tau;
                s = -s / tau;
                if (Math.Abs(t * c * s) <= tolerance)
                {
                    // Close eigenvalues: a rotation zeroes z[previous], whose eigenpair is then exact to the tolerance.
                    z[next] = tau;
                    z[previous] = 0.0;
                    if (structure[next] != structure[previous])
                    {
                        structure[next] = 2;
                    }
                    RotateRows(zt, (start + previous) * n + start, (start + next) * n + start, size, c, s);
                    double vp = values[previous], vn = values[next];
                    values[previous] = vp * c * c + vn * s * s;
                    values[next] = vp * s * s + vn * c * c;
                    deflated.Add(previous);
                }
                else
                {
                    kept.Add(previous);
                }
                previous = next;
            }
            if (previous >= 0)
            {
                kept.Add(previous);
            }
        }

        int k = kept.Count;
        var poles = new double[k];
        var weights = new double[k];
        for (int i = 0; i < k; i++)
        {
            poles[i] = values[kept[i]];
            weights[i] = z[kept[i]];
        }

        // Eigenvectors of D + ρwwᵀ, row i for root i; then mapped back through the kept rows.
        var roots = new double[k];
        double[] u = SolveRankOneUpdate(poles, weights, rho, roots);

        // Group the kept rows by structure so that each half is one dense product.
        var grouped = new int[k];
        int count1 = 0, count2 = 0;
        for (int i = 0; i < k; i++)
        {
            if (structure[kept[i]] == 1)
            {
                count1++;
            }
            else if (structure[kept[i]] == 2)
            {
                count2++;
            }
        }
        int[] nextSlot = [0, 0, count1, count1 + count2];
        for (int i = 0; i < k; i++)
        {
            grouped[nextSlot[structure[kept[i]]]++] = i;
        }
        int topCount = count1 + count2;
        int bottomBegin = count1;
        int bottomCount = k - count1;

        // The large work arrays are pooled: fresh ones would be zeroed and page-faulted in at every merge.
        var pool = ArrayPool<double>.Shared;
        // The gathers and the final scatter move O(k·size) memory each, serially several milliseconds at the top
        // merge, where the other core would otherwise wait: large merges share them out by rows.
        bool parallel = size >= ParallelSplit;
        double[] coefficients = pool.Rent(k * k);
        ForRows(k, parallel, i =>
        {
            for (int r = 0; r < k; r++)
            {
                coefficients[i * k + r] = u[i * k + grouped[r]];
            }
        });
        double[] top = pool.Rent(topCount * leftSize);
        double[] bottom = pool.Rent(bottomCount * rightSize);
        ForRows(topCount + bottomCount, parallel, r =>
        {
            if (r < topCount)
            {
                Array.Copy(zt, (start + kept[grouped[r]]) * n + start, top, r * leftSize, leftSize);
            }
            else
            {
                r -= topCount;
                Array.Copy(zt, (start + kept[grouped[bottomBegin + r]]) * n + start + leftSize, bottom, r * rightSize, rightSize);
            }
        });
        double[] product = pool.Rent(k * size);
        PackedGemm.Multiply(
            k, leftSize, topCount, 1.0, StridedMatrix.RowMajor(coefficients, 0, k), StridedMatrix.RowMajor(top, 0, leftSize),
            0.0, product, 0, size);
        PackedGemm.Multiply(
            k, rightSize, bottomCount, 1.0, StridedMatrix.RowMajor(coefficients, bottomBegin, k), StridedMatrix.RowMajor(bottom, 0, rightSize),
            0.0, product, leftSize, size);

        // Deflated rows are saved before the block is overwritten in ascending order of value.
        int deflatedCount = deflated.Count;
        double[] saved = pool.Rent(deflatedCount * size);
        for (int r = 0; r < deflatedCount; r++)
        {
            Array.Copy(zt, (start + deflated[r]) * n + start, saved, r * size, size);
        }
        var finalValues = new double[size];
        var source = new int[size];
        for (int i = 0; i < k; i++)
        {
            finalValues[i] = roots[i];
            source[i] = i;
        }
        for (int r = 0; r < deflatedCount; r++)
        {
            finalValues[k + r] = values[deflated[r]];
            source[k + r] = k + r;
        }
        Array.Sort(finalValues, source);
        Array.Copy(finalValues, 0, d, start, size);
        ForRows(size, parallel, p =>
        {
            int from = source[p];
            if (from < k)
            {
                Array.Copy(product, from * size, zt, (start + p) * n + start, size);
            }
            else
            {
                Array.Copy(saved, (from - k) * size, zt, (start + p) * n + start, size);
            }
        });
        pool.Return(coefficients);
        pool.Return(top);
        pool.Return(bottom);
        pool.Return(product);
        pool.Return(saved);
    }

    /// <summary>body(0..count−1), in chunks of rows shared out between cores when <paramref name="parallel"/>.</summary>
    private static void ForRows(int count, bool parallel, Action<int> body)
    {
        if (!parallel)
        {
            for (int i = 0; i < count; i++)
            {
                body(i);
            }
            return;
        }
        const int RowsPerChunk = 32;
        Parallel.For(0, (count + RowsPerChunk - 1) / RowsPerChunk, chunk =>
        {
            int end = Math.Min(count, (chunk + 1) * RowsPerChunk);
            for (int i = chunk * RowsPerChunk; i < end; i++)
            {
                body(i);
            }
        });
    }

    private static void RotateRows(double[] zt, int first, int second, int length, double c, double s)
    {
        for (int j = 0; j < length; j++)
        {
            double x = zt[first + j];
            double y = zt[second + j];
            zt[first + j] = c * x + s * y;
            zt[second + j] = c * y - s * x;
        }
    }

    /// <summary>
    /// Eigen-decomposition of D + ρwwᵀ with strictly increasing <paramref name="poles"/>, nonzero weights and ρ &gt; 0.
    /// </summary>
    /// <param name="poles">The diagonal D, ascending.</param>
    /// <param name="weights">w.</param>
    /// <param name="rho">ρ &gt; 0.</param>
    /// <param name="roots">Output: the k eigenvalues, ascending.</param>
    /// <returns>Row-major k×k; row i is the unit eigenvector of root i.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double[] SolveRankOneUpdate(double[] poles, double[] weights, double rho, double[] roots)
    {
        int k = poles.Length;
        // Every row is written in full by SecularRoot (or below for k = 1).
        var delta = GC.AllocateUninitializedArray<double>(k * k);
        if (k == 0)
        {
            return delta;
        }
        if (k == 1)
        {
            roots[0] = poles[0] + rho * weights[0] * weights[0];
            delta[0] = 1.0;
            return delta;
        }

        // Row i of delta: poles[j] − root i, formed from the nearer pole so that the differences are accurate.
        if (k >= 64)
        {
            Parallel.For(0, k, i => SecularRoot(poles, weights, rho, i, roots, delta));
        }
        else
        {
            for (int i = 0; i < k; i++)
            {
                SecularRoot(poles, weights, rho, i, roots, delta);
            }
        }

        // Gu–Eisenstat: the ŵ for which the computed roots are exact eigenvalues of D + ρŵŵᵀ (Löwner's formula).
        var product = new double[k];
        for (int j = 0; j < k; j++)
        {
            product[j] = delta[j * k + j];
        }
        // product[j] gathers a factor from every row i ≠ j: the columns are independent, so large problems share
        // them out in ranges, each range passing over every row.
        void ScaleColumns(int from, int to)
        {
            for (int i = 0; i < k; i++)
            {
                double pole = poles[i];
                int row = i * k;
                ScaleByRatios(product, delta, row, poles, pole, from, Math.Min(i, to));
                ScaleByRatios(product, delta, row, poles, pole, Math.Max(i + 1, from), to);
            }
        }
        if (k >= 256)
        {
            const int ColumnsPerRange = 128;
            Parallel.For(0, (k + ColumnsPerRange - 1) / ColumnsPerRange,
                range => ScaleColumns(range * ColumnsPerRange, Math.Min(k, (range + 1) * ColumnsPerRange)));
        }
        else
        {
            ScaleColumns(0, k);
        }
        var adjusted = new double[k];
        for (int j = 0; j < k; j++)
        {
            adjusted[j] = Math.CopySign(Math.Sqrt(Math.Max(0.0, -product[j])), weights[j]);
        }

        if (k >= 64)
        {
            Parallel.For(0, k, i => NormalizedVector(adjusted, delta, i * k, k));
        }
        else
        {
            for (int i = 0; i < k; i++)
            {
                NormalizedVector(adjusted, delta, i * k, k);
            }
        }
        return delta;
    }

    /// <summary>
    /// Root i of f(λ) = 1/ρ + Σ wⱼ²/(dⱼ − λ), which lies in (dᵢ, dᵢ₊₁) (or (d_{k−1}, d_{k−1} + ρ‖w‖²) for the last):
    /// the "middle way" rational iteration of Li / Gu–Eisenstat, safeguarded by bisection on a bracket.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SecularRoot(double[] poles, double[] weights, double rho, int i, double[] roots, double[] delta)
    {
        int k = poles.Length;
        double rhoInverse = 1.0 / rho;
        bool last = i == k - 1;
        int row = i * k;
        int origin;
        double lo, hi, tau;
        if (!last)
        {
            double half = 0.5 * (poles[i + 1] - poles[i]);
            (double atMid, _) = SecularTerms(poles, weights, 0, k, poles[i], half);
            atMid += rhoInverse;
            // Initial guess (dlaed4): the two nearest poles exactly, every other term frozen at the midpoint.
            double gap = poles[i + 1] - poles[i];
            double wi2 = weights[i] * weights[i], wi12 = weights[i + 1] * weights[i + 1];
            double c = atMid + wi2 / half - wi12 / (gap - half);
            double guess;
            if (atMid >= 0)
            {
                origin = i;
                lo = 0.0;
                hi = half;
                double a = c * gap + wi2 + wi12;
                double b = wi2 * gap;
                double root = Math.Sqrt(Math.Abs(a * a - 4.0 * b * c));
                guess = a > 0 ? 2.0 * b / (a + root) : (a - root) / (2.0 * c);
            }
            else
            {
                origin = i + 1;
                lo = -half;
                hi = 0.0;
                double a = -c * gap + wi2 + wi12;
                double b = -wi12 * gap;
                double root = Math.Sqrt(Math.Abs(a * a + 4.0 * b * c));
                guess = a > 0 ? 2.0 * b / (a + root) : -(a + root) / (2.0 * c);
            }
            // The midpoint is a safe start whenever the model misleads.
            tau = guess > lo && guess < hi ? guess : (atMid >= 0 ? hi : lo);
        }
        else
        {
            double wNorm2 = 0.0;
            for (int j = 0; j < k; j++)
            {
                wNorm2 += weights[j] * weights[j];
            }
            origin = i;
            lo = 0.0;
            hi = rho * wNorm2;
            tau = 0.5 * hi;
        }

        double shift = poles[origin];
        for (int iteration = 0; iteration < MaxSecularIterations; iteration++)
        {
            (double psi, double dpsi) = SecularTerms(poles, weights, 0, i + 1, shift, tau);
            (double phi, double dphi) = SecularTerms(poles, weights, i + 1, k, shift, tau);
            double absolute = phi - psi; // ψ terms are negative, φ terms positive
            double f = rhoInverse + psi + phi;
            double slope = dpsi + dphi;
            if (Math.Abs(f) <= Eps * (8.0 * (rhoInverse + absolute) + Math.Abs(tau) * slope))
            {
                break;
            }
            if (f > 0)
            {
                hi = tau;
            }
            else
            {
                lo = tau;
            }

            double di = poles[i] - shift - tau;
            double step;
            if (!last)
            {
                double di1 = poles[i + 1] - shift - tau;
                double a = (di + di1) * f - di * di1 * slope;
                double b = di * di1 * f;
                double c = f - di * dpsi - di1 * dphi;
                if (c == 0.0)
                {
                    step = b / a;
                }
                else
                {
                    double root = Math.Sqrt(Math.Abs(a * a - 4.0 * b * c));
                    step = a <= 0 ? (a - root) / (2.0 * c) : 2.0 * b / (a + root);
                }
            }
            else
            {
                double c = f - di * dpsi;
                step = c > 0 ? di + dpsi * di * di / c : double.NaN;
            }

            double next = tau + step;
            if (!(next > lo && next < hi))
            {
                next = 0.5 * (lo + hi);
            }
            if (next == tau || next <= lo || next >= hi)
            {
                break;
            }
            tau = next;
        }

        roots[i] = shift + tau;
        for (int j = 0; j < k; j++)
        {
            delta[row + j] = poles[j] - shift - tau;
        }
    }

    /// <summary>Σ wⱼ²/δⱼ and Σ wⱼ²/δⱼ² over j in [from, to), with δⱼ = (dⱼ − shift) − τ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double Sum, double Derivative) SecularTerms(double[] poles, double[] weights, int from, int to, double shift, double tau)
    {
        ref double d = ref MemoryMarshal.GetArrayDataReference(poles);
        ref double w = ref MemoryMarshal.GetArrayDataReference(weights);
        int width = Vector<double>.Count;
        var vShift = new Vector<double>(shift);
        var vTau = new Vector<double>(tau);
        Vector<double> sum = Vector<double>.Zero, derivative = Vector<double>.Zero;
        int j = from;
        for (; j + width <= to; j += width)
        {
            Vector<double> wj = Vector.LoadUnsafe(ref w, (nuint)j);
            Vector<double> t = wj / (Vector.LoadUnsafe(ref d, (nuint)j) - vShift - vTau);
            sum = Vector.FusedMultiplyAdd(wj, t, sum);
            derivative = Vector.FusedMultiplyAdd(t, t, derivative);
        }
        double s = Vector.Sum(sum), ds = Vector.Sum(derivative);
        for (; j < to; j++)
        {
            double t = Unsafe.Add(ref w, j) / (Unsafe.Add(ref d, j) - shift - tau);
            s += Unsafe.Add(ref w, j) * t;
            ds += t * t;
        }
        return (s, ds);
    }

    /// <summary>product[j] ×= delta[row + j] / (poles[j] − pole) for j in [from, to).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaleByRatios(double[] product, double[] delta, int row, double[] poles, double pole, int from, int to)
    {
        ref double p = ref MemoryMarshal.GetArrayDataReference(product);
        ref double q = ref MemoryMarshal.GetArrayDataReference(delta);
        q = ref Unsafe.Add(ref q, row);
        ref double d = ref MemoryMarshal.GetArrayDataReference(poles);
        int width = Vector<double>.Count;
        var vPole = new Vector<double>(pole);
        int j = from;
        for (; j + width <= to; j += width)
        {
            Vector<double> ratio = Vector.LoadUnsafe(ref q, (nuint)j) / (Vector.LoadUnsafe(ref d, (nuint)j) - vPole);
            (Vector.LoadUnsafe(ref p, (nuint)j) * ratio).StoreUnsafe(ref p, (nuint)j);
        }
        for (; j < to; j++)
        {
            Unsafe.Add(ref p, j) *= Unsafe.Add(ref q, j) / (Unsafe.Add(ref d, j) - pole);
        }
    }

    /// <summary>Row of delta at <paramref name="row"/> ← ŵ ./ row, normalized: the eigenvector of one root.</summary>
    private static void NormalizedVector(double[] adjusted, double[] delta, int row, int k)
    {
        Span<double> x = delta.AsSpan(row, k);
        double norm = Math.Sqrt(DenseKernels.DivideIntoAndSumSquares(adjusted.AsSpan(0, k), x));
        DenseKernels.Scale(x, 1.0 / norm);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
}
