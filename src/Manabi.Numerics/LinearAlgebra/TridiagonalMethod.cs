namespace Manabi.Numerics.LinearAlgebra;

/// <summary>Algorithm for the eigenvectors of the symmetric tridiagonal matrix.</summary>
internal enum TridiagonalMethod
{
    /// <summary>Cuppen divide and conquer with matrix-matrix merges (the default).</summary>
    DivideAndConquer,

    /// <summary>Implicit QL with batched rotations; the earlier path, kept for comparison.</summary>
    QlIteration,
}
