using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Manabi.Numerics.LinearAlgebra;

/// <summary>Argument checks shared by the linear-algebra entry points; messages name the argument and position.</summary>
internal static class MatrixGuard
{
    public static void NotEmptyAndFinite(double[,] matrix, string name)
    {
        ArgumentNullException.ThrowIfNull(matrix, name);
        if (matrix.GetLength(0) == 0 || matrix.GetLength(1) == 0)
        {
            throw new ArgumentException($"{name} must not be empty (it is {matrix.GetLength(0)}×{matrix.GetLength(1)}).", name);
        }
        for (int i = 0; i < matrix.GetLength(0); i++)
        {
            for (int j = 0; j < matrix.GetLength(1); j++)
            {
                if (!double.IsFinite(matrix[i, j]))
                {
                    throw new ArgumentException($"{name}[{i}, {j}] is {matrix[i, j]}; all entries must be finite.", name);
                }
            }
        }
    }

    public static void Square(double[,] matrix, string name)
    {
        NotEmptyAndFinite(matrix, name);
        if (matrix.GetLength(0) != matrix.GetLength(1))
        {
            throw new ArgumentException(
                $"{name} must be square but is {matrix.GetLength(0)}×{matrix.GetLength(1)}.", name);
        }
    }

    /// <summary>
    /// Square, finite, and |a_ij − a_ji| ≤ tolerance·max|a| (relative to the largest entry); when
    /// <paramref name="copy"/> is given (n·n long) the matrix is also copied into it, row-major, in the same pass.
    /// </summary>
    /// <remarks>
    /// One pass over tiles of the lower triangle and their mirror images decides; only a matrix that fails goes
    /// through the entry-by-entry checks, which name the offending position. (Reading a_ji a column at a time
    /// would miss the cache on every entry of a large matrix.)
    /// </remarks>
    public static void Symmetric(double[,] matrix, string name, double relativeTolerance = 1e-10, double[]? copy = null)
    {
        ArgumentNullException.ThrowIfNull(matrix, name);
        int n = matrix.GetLength(0);
        if (n == 0 || n != matrix.GetLength(1))
        {
            Square(matrix, name);
        }
        (double maxAbs, double maxAsymmetry) = TiledScan(matrix, n, copy);
        // NaN fails both comparisons below (Math.Max propagates it), infinity the first.
        if (!double.IsFinite(maxAbs) || !(maxAsymmetry <= relativeTolerance * maxAbs))
        {
            SymmetricEntryByEntry(matrix, name, relativeTolerance);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double MaxAbs, double MaxAsymmetry) TiledScan(double[,] matrix, int n, double[]? copy)
    {
        const int tile = 32;
        ref double data = ref Unsafe.As<byte, double>(ref MemoryMarshal.GetArrayDataReference(matrix));
        bool copying = copy is not null;
        ref double target = ref copying ? ref MemoryMarshal.GetArrayDataReference(copy!) : ref Unsafe.NullRef<double>();
        double maxAbs = 0.0, maxAsymmetry = 0.0;
        for (int i0 = 0; i0 < n; i0 += tile)
        {
            int iEnd = Math.Min(n, i0 + tile);
            for (int j0 = 0; j0 <= i0; j0 += tile)
            {
                int jEnd = Math.Min(n, j0 + tile);
                for (int i = i0; i < iEnd; i++)
                {
                    ref double row = ref Unsafe.Add(ref data, (nint)i * n);
                    int end = Math.Min(jEnd, i + 1);
                    for (int j = j0; j < end; j++)
                    {
                        double x = Unsafe.Add(ref row, j);
                        double mirror = Unsafe.Add(ref data, (nint)j * n + i);
                        if (copying)
                        {
                            Unsafe.Add(ref target, (nint)i * n + j) = x;
                            Unsafe.Add(ref target, (nint)j * n + i) = mirror;
                        }
                        maxAbs = Math.Max(maxAbs, Math.Abs(x));
                        maxAsymmetry = Math.Max(maxAsymmetry, Math.Abs(x - mirror));
                    }
                }
            }
        }
        // Every entry is in the lower triangle or mirrors one within the allowed difference, so the lower
        // triangle's largest entry bounds all others to within the tolerance; a NaN or infinity in the upper
        // triangle shows in the difference.
        return (maxAbs, maxAsymmetry);
    }

    private static void SymmetricEntryByEntry(double[,] matrix, string name, double relativeTolerance)
    {
        Square(matrix, name);
        int n = matrix.GetLength(0);
        double maxAbs = 0.0;
        foreach (double x in matrix)
        {
            maxAbs = Math.Max(maxAbs, Math.Abs(x));
        }
        double allowed = relativeTolerance * maxAbs;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (Math.Abs(matrix[i, j] - matrix[j, i]) > allowed)
                {
                    throw new ArgumentException(
                        $"{name} must be symmetric: {name}[{i}, {j}] = {matrix[i, j]} but {name}[{j}, {i}] = {matrix[j, i]} " +
                        $"(allowed difference {allowed:G3}, relative tolerance {relativeTolerance:G3}).", name);
                }
            }
        }
    }
}
