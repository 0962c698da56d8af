using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace Manabi.Numerics.LinearAlgebra;

/// <summary>Eigenvalues and eigenvectors of dense real matrices.</summary>
public static class Eigen
{
    /// <summary>
    /// Eigen-decomposition of a real symmetric matrix with a fast managed solver (Householder tridiagonalization;
    /// with vectors, divide and conquer on the tridiagonal and a blocked back-transformation built on matrix-matrix
    /// products; values alone by implicit QL; SIMD and multi-core).
    /// </summary>
    /// <param name="matrix">Square symmetric matrix. Symmetry is checked to a relative tolerance of 1e-10 of the
    /// largest entry; the lower triangle is what the solver reads.</param>
    /// <param name="computeVectors">Whether to compute eigenvectors (values alone are several times faster).</param>
    /// <returns>Eigenvalues ascending; column j of <see cref="SymmetricEigenDecomposition.Vectors"/> belongs to value j.</returns>
    /// <remarks>A matrix whose largest entry is very large or very small (outside about 1e±146) is solved scaled into
    /// range and its eigenvalues scaled back, as LAPACK's dsyev does, so that e.g. entries of 1e307 give exact results.</remarks>
    /// <exception cref="ArgumentException">The matrix is empty, not square, not finite or not symmetric.</exception>
    /// <exception cref="OverflowException">An eigenvalue is beyond the range of double (the matrix's entries are near it).</exception>
    public static SymmetricEigenDecomposition Symmetric(double[,] matrix, bool computeVectors = true)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int n = matrix.GetLength(0);
        // The working copy is made by the symmetry check's own pass over the matrix.
        var work = GC.AllocateUninitializedArray<double>(n * matrix.GetLength(1));
        MatrixGuard.Symmetric(matrix, nameof(matrix), copy: work);
        // As LAPACK's dsyev: a matrix whose largest entry is outside [√smlnum, √bignum] is solved scaled into that
        // range, since squares and sums of squares of its entries (Householder norms, the QL shifts) would overflow
        // to ∞/NaN or underflow to 0. Eigenvectors do not change with the scale; eigenvalues are scaled back.
        int scale = ScaleExponent(MaxAbs(work), SymmetricScaleMin, SymmetricScaleMax);
        if (scale != 0)
        {
            Scale(work, scale);
        }
        double[] values;
        double[,]? vectors = null;
        if (computeVectors)
        {
            values = SymmetricEigenSolver.SolveWithColumnVectors(work, n, out double[,] columnVectors);
            vectors = columnVectors;
        }
        else
        {
            values = SymmetricEigenSolver.Solve(work, n, false, out _);
        }
        if (scale != 0)
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = Unscale(values[i], scale);
            }
        }
        return new SymmetricEigenDecomposition(values, vectors);
    }

    // LAPACK's thresholds (dlamch): safe minimum over precision and its reciprocal, smlnum and bignum. dsyev scales
    // into [√smlnum, √bignum]; dgeev, whose Hessenberg QR is less sensitive, into [√safmin/eps, eps/√safmin].
    private const double SafeMinimum = 2.2250738585072014e-308; // dlamch('S'): the smallest normal double
    private const double Precision = 2.220446049250313e-16; // dlamch('P'): eps × base
    private static readonly double SymmetricScaleMin = Math.Sqrt(SafeMinimum / Precision);
    private static readonly double SymmetricScaleMax = Math.Sqrt(Precision / SafeMinimum);
    private static readonly double GeneralScaleMin = Math.Sqrt(SafeMinimum) / Precision;
    private static readonly double GeneralScaleMax = Precision / Math.Sqrt(SafeMinimum);

    /// <summary>
    /// The power of two that brings a largest entry of <paramref name="maxAbs"/> to about [min, max] (within a factor of 2),
    /// or 0 when it is inside (or the matrix is 0). A power of two, unlike LAPACK's cto/cfrom, scales every normal entry
    /// exactly, so the scaled problem is the same problem and its eigenvalues scale back without rounding.
    /// </summary>
    private static int ScaleExponent(double maxAbs, double min, double max) =>
        maxAbs > 0 && maxAbs < min ? Math.ILogB(min) - Math.ILogB(maxAbs)
        : maxAbs > max ? Math.ILogB(max) - Math.ILogB(maxAbs)
        : 0;

    private static double MaxAbs(ReadOnlySpan<double> values)
    {
        double max = 0;
        foreach (double x in values)
        {
            max = Math.Max(max, Math.Abs(x));
        }
        return max;
    }

    private static void Scale(Span<double> values, int exponent)
    {
        foreach (ref double x in values)
        {
            x = Math.ScaleB(x, exponent);
        }
    }

    /// <summary>An eigenvalue of the scaled matrix brought back to the matrix's own scale.</summary>
    /// <exception cref="OverflowException">It is beyond the range of double: no answer can be printed or used.</exception>
    private static double Unscale(double value, int exponent)
    {
        double result = Math.ScaleB(value, -exponent);
        if (!double.IsFinite(result))
        {
            string magnitude = (Math.Log10(Math.Abs(value)) - exponent * Math.Log10(2)).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
            throw new OverflowException(
                $"an eigenvalue of the matrix is about 1e{magnitude} in magnitude, beyond the range of double (±{double.MaxValue:G3}); " +
                "scale the matrix down before the decomposition.");
        }
        return result;
    }

    /// <summary>All eigenvalues of a real square matrix (through MathNet.Numerics' Hessenberg QR).</summary>
    /// <param name="matrix">Square real matrix; need not be symmetric.</param>
    /// <returns>Eigenvalues sorted ascending by real part, then by imaginary part.</returns>
    /// <remarks>For a defective eigenvalue of multiplicity m the computed values carry errors of order ε^(1/m).</remarks>
    /// <exception cref="ArgumentException">The matrix is empty, not square or not finite.</exception>
    /// <exception cref="OverflowException">An eigenvalue is beyond the range of double (the matrix's entries are near it).</exception>
    public static Complex[] General(double[,] matrix) => GeneralDecomposition(matrix).Values;

    /// <summary>Eigenvalues and eigenvectors of a real square matrix (through MathNet.Numerics).</summary>
    /// <param name="matrix">Square real matrix; need not be symmetric.</param>
    /// <returns>Eigenvalues sorted as in <see cref="General"/> and the matching complex eigenvectors.</returns>
    /// <remarks>A matrix whose largest entry is very large or very small is solved scaled into range and its eigenvalues
    /// scaled back, as LAPACK's dgeev does.</remarks>
    /// <exception cref="ArgumentException">The matrix is empty, not square or not finite.</exception>
    /// <exception cref="OverflowException">An eigenvalue is beyond the range of double (the matrix's entries are near it).</exception>
    public static GeneralEigenDecomposition GeneralDecomposition(double[,] matrix)
    {
        MatrixGuard.Square(matrix, nameof(matrix));
        int n = matrix.GetLength(0);
        var dense = Matrix<double>.Build.DenseOfArray(matrix);
        // As LAPACK's dgeev: solve a matrix scaled into range when its largest entry is not (see Symmetric), so that the
        // Hessenberg QR's sums of squares neither overflow nor underflow; the eigenvectors are the same.
        int scale = ScaleExponent(MaxAbs(MemoryMarshal.CreateReadOnlySpan(
            ref Unsafe.As<byte, double>(ref MemoryMarshal.GetArrayDataReference(matrix)), matrix.Length)), GeneralScaleMin, GeneralScaleMax);
        if (scale != 0)
        {
            dense = dense.Map(x => Math.ScaleB(x, scale));
        }
        Evd<double> evd = dense.Evd(Symmetricity.Asymmetric);
        Complex[] values = evd.EigenValues.ToArray();
        if (scale != 0)
        {
            for (int j = 0; j < n; j++)
            {
                values[j] = new Complex(Unscale(values[j].Real, scale), Unscale(values[j].Imaginary, scale));
            }
        }
        double[,] packed = evd.EigenVectors.ToArray();

        // MathNet packs a conjugate pair (a ± bi) as real columns j (real part) and j+1 (imaginary part).
        var vectors = new Complex[n, n];
        for (int j = 0; j < n; j++)
        {
            if (values[j].Imaginary != 0.0 && j + 1 < n && values[j + 1] == Complex.Conjugate(values[j]))
            {
                double sign = values[j].Imaginary > 0 ? 1.0 : -1.0;
                for (int i = 0; i < n; i++)
                {
                    vectors[i, j] = new Complex(packed[i, j], sign * packed[i, j + 1]);
                    vectors[i, j + 1] = new Complex(packed[i, j], -sign * packed[i, j + 1]);
                }
                j++;
            }
            else
            {
                for (int i = 0; i < n; i++)
                {
                    vectors[i, j] = packed[i, j];
                }
            }
        }

        int[] order = Enumerable.Range(0, n)
            .OrderBy(j => values[j].Real)
            .ThenBy(j => values[j].Imaginary)
            .ToArray();
        var sortedValues = new Complex[n];
        var sortedVectors = new Complex[n, n];
        for (int j = 0; j < n; j++)
        {
            sortedValues[j] = values[order[j]];
            for (int i = 0; i < n; i++)
            {
                sortedVectors[i, j] = vectors[i, order[j]];
            }
        }
        return new GeneralEigenDecomposition(sortedValues, sortedVectors);
    }

    /// <summary>
    /// Columns rowBegin..rowEnd−1 of <paramref name="result"/> ← rows rowBegin..rowEnd−1 of the row-major n×n
    /// <paramref name="rowMajor"/>, in 32×32 tiles so that both sides stay in cache.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void TransposeRows(double[] rowMajor, double[,] result, int n, int rowBegin, int rowEnd)
    {
        const int tile = 32;
        ref double source = ref MemoryMarshal.GetArrayDataReference(rowMajor);
        ref double target = ref Unsafe.As<byte, double>(ref MemoryMarshal.GetArrayDataReference(result));
        for (int i0 = rowBegin; i0 < rowEnd; i0 += tile)
        {
            int iEnd = Math.Min(rowEnd, i0 + tile);
            for (int j0 = 0; j0 < n; j0 += tile)
            {
                int jEnd = Math.Min(n, j0 + tile);
                for (int i = i0; i < iEnd; i++)
                {
                    ref double row = ref Unsafe.Add(ref source, (nint)i * n);
                    for (int j = j0; j < jEnd; j++)
                    {
                        Unsafe.Add(ref target, (nint)j * n + i) = Unsafe.Add(ref row, j);
                    }
                }
            }
        }
    }
}
