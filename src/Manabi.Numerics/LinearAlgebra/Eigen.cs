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
    /// <exception cref="ArgumentException">The matrix is empty, not square, not finite or not symmetric.</exception>
    public static SymmetricEigenDecomposition Symmetric(double[,] matrix, bool computeVectors = true)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int n = matrix.GetLength(0);
        // The working copy is made by the symmetry check's own pass over the matrix.
        var work = GC.AllocateUninitializedArray<double>(n * matrix.GetLength(1));
        MatrixGuard.Symmetric(matrix, nameof(matrix), copy: work);
        if (!computeVectors)
        {
            return new SymmetricEigenDecomposition(SymmetricEigenSolver.Solve(work, n, false, out _), null);
        }
        double[] values = SymmetricEigenSolver.SolveWithColumnVectors(work, n, out double[,] vectors);
        return new SymmetricEigenDecomposition(values, vectors);
    }

    /// <summary>All eigenvalues of a real square matrix (through MathNet.Numerics' Hessenberg QR).</summary>
    /// <param name="matrix">Square real matrix; need not be symmetric.</param>
    /// <returns>Eigenvalues sorted ascending by real part, then by imaginary part.</returns>
    /// <remarks>For a defective eigenvalue of multiplicity m the computed values carry errors of order ε^(1/m).</remarks>
    /// <exception cref="ArgumentException">The matrix is empty, not square or not finite.</exception>
    public static Complex[] General(double[,] matrix) => GeneralDecomposition(matrix).Values;

    /// <summary>Eigenvalues and eigenvectors of a real square matrix (through MathNet.Numerics).</summary>
    /// <param name="matrix">Square real matrix; need not be symmetric.</param>
    /// <returns>Eigenvalues sorted as in <see cref="General"/> and the matching complex eigenvectors.</returns>
    /// <exception cref="ArgumentException">The matrix is empty, not square or not finite.</exception>
    public static GeneralEigenDecomposition GeneralDecomposition(double[,] matrix)
    {
        MatrixGuard.Square(matrix, nameof(matrix));
        int n = matrix.GetLength(0);
        Evd<double> evd = Matrix<double>.Build.DenseOfArray(matrix).Evd(Symmetricity.Asymmetric);
        Complex[] values = evd.EigenValues.ToArray();
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
