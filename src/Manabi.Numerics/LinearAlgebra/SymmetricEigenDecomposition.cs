namespace Manabi.Numerics.LinearAlgebra;

/// <summary>Eigenvalues (ascending) and, optionally, orthonormal eigenvectors of a real symmetric matrix.</summary>
public sealed class SymmetricEigenDecomposition
{
    /// <summary>Creates a decomposition from values and optional vectors.</summary>
    /// <param name="values">Eigenvalues in ascending order.</param>
    /// <param name="vectors">n×k matrix whose column j is the unit eigenvector of <paramref name="values"/>[j], or null.</param>
    /// <exception cref="ArgumentException">The vector matrix does not have one column per value.</exception>
    public SymmetricEigenDecomposition(double[] values, double[,]? vectors)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (vectors is not null && vectors.GetLength(1) != values.Length)
        {
            throw new ArgumentException(
                $"vectors has {vectors.GetLength(1)} columns but there are {values.Length} values.", nameof(vectors));
        }
        Values = values;
        Vectors = vectors;
    }

    /// <summary>Eigenvalues in ascending order.</summary>
    public double[] Values { get; }

    /// <summary>Column j is the unit eigenvector of <see cref="Values"/>[j]; null when vectors were not computed.</summary>
    public double[,]? Vectors { get; }
}
