using System.Globalization;

namespace Manabi.Numerics.Distributions;

/// <summary>
/// The lower-triangular Cholesky factor L (Σ = L·Lᵀ) of a covariance matrix, with the checks a covariance must pass
/// (square, finite, symmetric, positive definite) reported against the argument's name. Written here rather than
/// taken from MathNet so that a failure names the argument, the offending entry or pivot.
/// </summary>
internal sealed class CholeskyFactor
{
    // Relative tolerance for symmetry: covariances built in float32 (as torch's) are symmetric only to rounding.
    private const double SymmetryTolerance = 1e-9;

    private readonly double[,] _lower;

    private CholeskyFactor(double[,] lower) => _lower = lower;

    /// <summary>The dimension k of the k × k matrix.</summary>
    internal int Dimension => _lower.GetLength(0);

    /// <summary>ln det Σ = 2 Σ ln Lᵢᵢ.</summary>
    internal double LogDeterminant
    {
        get
        {
            double sum = 0.0;
            for (int i = 0; i < Dimension; i++)
            {
                sum += Math.Log(_lower[i, i]);
            }
            return 2.0 * sum;
        }
    }

    /// <summary>Factors <paramref name="covariance"/>, which must be <paramref name="dimension"/> × <paramref name="dimension"/>.</summary>
    internal static CholeskyFactor Factor(double[,] covariance, int dimension, string name)
    {
        ArgumentNullException.ThrowIfNull(covariance, name);
        if (covariance.GetLength(0) != dimension || covariance.GetLength(1) != dimension)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture,
                    $"{name} is {covariance.GetLength(0)} × {covariance.GetLength(1)} but the mean has {dimension} entries; it must be {dimension} × {dimension}."),
                name);
        }
        for (int i = 0; i < dimension; i++)
        {
            for (int j = 0; j < dimension; j++)
            {
                double value = covariance[i, j];
                if (!double.IsFinite(value))
                {
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture, $"{name}[{i}, {j}] is {value}; entries must be finite."), name);
                }
                double mirror = covariance[j, i];
                if (j > i && Math.Abs(value - mirror) > SymmetryTolerance * Math.Max(Math.Abs(value), Math.Abs(mirror)))
                {
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture,
                            $"{name} is not symmetric: {name}[{i}, {j}] = {value} but {name}[{j}, {i}] = {mirror}."),
                        name);
                }
            }
        }

        var lower = new double[dimension, dimension];
        for (int j = 0; j < dimension; j++)
        {
            double pivot = covariance[j, j];
            for (int k = 0; k < j; k++)
            {
                pivot -= lower[j, k] * lower[j, k];
            }
            if (!(pivot > 0.0))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture,
                        $"{name} is not positive definite: Cholesky pivot {j} is {pivot}."),
                    name);
            }
            double diagonal = Math.Sqrt(pivot);
            lower[j, j] = diagonal;
            for (int i = j + 1; i < dimension; i++)
            {
                double sum = covariance[i, j];
                for (int k = 0; k < j; k++)
                {
                    sum -= lower[i, k] * lower[j, k];
                }
                lower[i, j] = sum / diagonal;
            }
        }
        return new CholeskyFactor(lower);
    }

    /// <summary>Solves L·x = b in place by forward substitution.</summary>
    internal void SolveLowerInPlace(Span<double> vector)
    {
        for (int i = 0; i < Dimension; i++)
        {
            double sum = vector[i];
            for (int k = 0; k < i; k++)
            {
                sum -= _lower[i, k] * vector[k];
            }
            vector[i] = sum / _lower[i, i];
        }
    }

    /// <summary>Column <paramref name="column"/> of L, into <paramref name="destination"/>.</summary>
    internal void CopyColumn(int column, Span<double> destination)
    {
        for (int i = 0; i < Dimension; i++)
        {
            destination[i] = _lower[i, column];
        }
    }
}
