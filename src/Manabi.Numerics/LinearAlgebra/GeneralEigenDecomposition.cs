using System.Numerics;

namespace Manabi.Numerics.LinearAlgebra;

/// <summary>Eigenvalues and eigenvectors of a general (non-symmetric) real matrix.</summary>
public sealed class GeneralEigenDecomposition
{
    internal GeneralEigenDecomposition(Complex[] values, Complex[,] vectors)
    {
        Values = values;
        Vectors = vectors;
    }

    /// <summary>Eigenvalues sorted ascending by real part, then imaginary part.</summary>
    public Complex[] Values { get; }

    /// <summary>
    /// Column j is an eigenvector of <see cref="Values"/>[j] (not necessarily unit length). For a defective matrix
    /// the columns are linearly dependent.
    /// </summary>
    public Complex[,] Vectors { get; }
}
