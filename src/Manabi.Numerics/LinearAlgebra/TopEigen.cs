namespace Manabi.Numerics.LinearAlgebra;

/// <summary>
/// The k algebraically largest eigenpairs of a symmetric matrix, without a full decomposition.
/// Results are returned like <see cref="Eigen.Symmetric"/>: values ascending (the largest last), column j of the
/// vectors belonging to value j.
/// </summary>
public static class TopEigen
{
    /// <summary>Lanczos with full re-orthogonalization on a dense symmetric matrix.</summary>
    /// <param name="matrix">Square symmetric matrix (checked like <see cref="Eigen.Symmetric"/>).</param>
    /// <param name="k">Number of eigenpairs, 1 ≤ k ≤ n.</param>
    /// <param name="seed">Seed of the random start vector; null for a non-deterministic start.</param>
    /// <param name="tolerance">A Ritz pair is accepted when its residual ‖Ax − θx‖ ≤ tolerance·max|θ|.</param>
    /// <param name="maxIterations">Largest Krylov subspace dimension (capped at n, where the result is exact).</param>
    /// <returns>The k largest eigenvalues ascending, with unit eigenvectors.</returns>
    /// <exception cref="ArgumentException">Bad matrix or parameters.</exception>
    /// <exception cref="InvalidOperationException">Not converged within <paramref name="maxIterations"/>.</exception>
    public static SymmetricEigenDecomposition Lanczos(
        double[,] matrix, int k, int? seed = null, double tolerance = 1e-10, int maxIterations = 1000)
    {
        MatrixGuard.Symmetric(matrix, nameof(matrix));
        int n = matrix.GetLength(0);
        return Lanczos((x, y) => Multiply(matrix, x, y), n, k, seed, tolerance, maxIterations);
    }

    /// <summary>Lanczos with full re-orthogonalization on a symmetric operator given as a product callback.</summary>
    /// <param name="multiply">Writes A·x into its second argument; A must be symmetric.</param>
    /// <param name="dimension">n, the length of the vectors.</param>
    /// <param name="k">Number of eigenpairs, 1 ≤ k ≤ n.</param>
    /// <param name="seed">Seed of the random start vector; null for a non-deterministic start.</param>
    /// <param name="tolerance">A Ritz pair is accepted when its residual ‖Ax − θx‖ ≤ tolerance·max|θ|.</param>
    /// <param name="maxIterations">Largest Krylov subspace dimension (capped at n, where the result is exact).</param>
    /// <returns>The k largest eigenvalues ascending, with unit eigenvectors.</returns>
    /// <exception cref="ArgumentException">Bad parameters or a non-finite product.</exception>
    /// <exception cref="InvalidOperationException">Not converged within <paramref name="maxIterations"/>.</exception>
    public static SymmetricEigenDecomposition Lanczos(
        Action<ReadOnlySpan<double>, Span<double>> multiply, int dimension, int k,
        int? seed = null, double tolerance = 1e-10, int maxIterations = 1000)
    {
        ArgumentNullException.ThrowIfNull(multiply);
        CheckParameters(dimension, k, tolerance, maxIterations);
        var random = seed is int s ? new Random(s) : new Random();
        int maxDimension = Math.Min(dimension, Math.Max(maxIterations, k));

        var basis = new List<double[]>();
        var alpha = new List<double>();
        var beta = new List<double>(); // beta[j] couples basis j and j+1
        double[] q = RandomUnitVector(random, dimension, basis);
        var w = new double[dimension];
        double scale = 0.0;

        while (true)
        {
            basis.Add(q);
            int j = basis.Count - 1;
            multiply(q, w);
            foreach (double value in w)
            {
                if (!double.IsFinite(value))
                {
                    throw new ArgumentException("multiply produced a non-finite value.", nameof(multiply));
                }
            }
            alpha.Add(Dot(w, q));
            // Full re-orthogonalization (twice is enough) keeps the basis orthonormal in floating point.
            Orthogonalize(w, basis);
            Orthogonalize(w, basis);
            double norm = Math.Sqrt(Dot(w, w));
            scale = Math.Max(scale, Math.Abs(alpha[j]) + norm + (j > 0 ? beta[j - 1] : 0.0));

            int size = basis.Count;
            bool exhausted = size == maxDimension;
            bool invariant = norm <= 1e-14 * Math.Max(scale, double.Epsilon);
            if (size >= k && (exhausted || invariant || (size - k) % 4 == 0 || size == dimension))
            {
                var ritz = Ritz(alpha, beta, size, k);
                double residualScale = tolerance * Math.Max(ritz.Values.Max(Math.Abs), double.Epsilon);
                // An invariant Krylov space holds each eigenvalue once, so a repeated eigenvalue may still be missing:
                // keep going from a fresh direction unless the whole space is spanned.
                bool converged = size == dimension || (!invariant && Enumerable.Range(0, k)
                    .All(c => Math.Abs(norm * ritz.Vectors![size - 1, c]) <= residualScale));
                if (converged)
                {
                    return new SymmetricEigenDecomposition(ritz.Values, RitzVectors(basis, ritz.Vectors!, dimension, k));
                }
                if (exhausted)
                {
                    throw new InvalidOperationException(
                        $"Lanczos did not converge to tolerance {tolerance:G3} within {maxDimension} iterations; raise maxIterations.");
                }
            }

            if (invariant)
            {
                // The Krylov space is invariant: continue from a fresh direction (T becomes block diagonal).
                beta.Add(0.0);
                q = RandomUnitVector(random, dimension, basis);
            }
            else
            {
                beta.Add(norm);
                q = new double[dimension];
                for (int i = 0; i < dimension; i++)
                {
                    q[i] = w[i] / norm;
                }
            }
        }
    }

    /// <summary>Power iteration with projection deflation, for the k largest eigenpairs of a symmetric matrix.</summary>
    /// <param name="matrix">Square symmetric matrix (checked like <see cref="Eigen.Symmetric"/>).</param>
    /// <param name="k">Number of eigenpairs, 1 ≤ k ≤ n.</param>
    /// <param name="seed">Seed of the random start vectors; null for a non-deterministic start.</param>
    /// <param name="tolerance">An eigenpair is accepted when its residual ‖Ax − θx‖ ≤ tolerance·‖A‖∞.</param>
    /// <param name="maxIterations">Iteration limit per eigenpair.</param>
    /// <returns>The k largest eigenvalues ascending, with unit eigenvectors.</returns>
    /// <remarks>
    /// The matrix is shifted by its Gershgorin lower bound when that is negative, so the dominant eigenvalue is the
    /// algebraically largest one. Convergence is linear in the ratio of neighbouring (shifted) eigenvalues; prefer
    /// <see cref="Lanczos(double[,], int, int?, double, int)"/> when eigenvalues are close.
    /// </remarks>
    /// <exception cref="ArgumentException">Bad matrix or parameters.</exception>
    /// <exception cref="InvalidOperationException">An eigenpair did not converge within <paramref name="maxIterations"/>.</exception>
    public static SymmetricEigenDecomposition PowerIteration(
        double[,] matrix, int k, int? seed = null, double tolerance = 1e-10, int maxIterations = 100_000)
    {
        MatrixGuard.Symmetric(matrix, nameof(matrix));
        int n = matrix.GetLength(0);
        CheckParameters(n, k, tolerance, maxIterations);
        var random = seed is int s ? new Random(s) : new Random();

        double gershgorinLower = double.PositiveInfinity;
        double infinityNorm = 0.0;
        for (int i = 0; i < n; i++)
        {
            double radius = 0.0;
            for (int j = 0; j < n; j++)
            {
                radius += i == j ? 0.0 : Math.Abs(matrix[i, j]);
            }
            gershgorinLower = Math.Min(gershgorinLower, matrix[i, i] - radius);
            infinityNorm = Math.Max(infinityNorm, radius + Math.Abs(matrix[i, i]));
        }
        double shift = Math.Max(0.0, -gershgorinLower);
        double allowedResidual = tolerance * infinityNorm;

        var found = new List<double[]>();
        var values = new double[k];
        var y = new double[n];
        for (int c = 0; c < k; c++)
        {
            double[] x = RandomUnitVector(random, n, found);
            for (int iteration = 0; ; iteration++)
            {
                if (iteration == maxIterations)
                {
                    throw new InvalidOperationException(
                        $"Power iteration did not converge for eigenpair {c} within {maxIterations} iterations.");
                }
                Multiply(matrix, x, y);
                for (int i = 0; i < n; i++)
                {
                    y[i] += shift * x[i];
                }
                Orthogonalize(y, found);
                double theta = Dot(x, y);
                double residual = 0.0;
                for (int i = 0; i < n; i++)
                {
                    double r = y[i] - theta * x[i];
                    residual += r * r;
                }
                residual = Math.Sqrt(residual);
                double norm = Math.Sqrt(Dot(y, y));
                if (norm == 0.0)
                {
                    values[c] = -shift;
                    break;
                }
                // The residual bounds the vector error by residual/gap and the value error by residual²/gap.
                bool converged = residual <= allowedResidual;
                for (int i = 0; i < n; i++)
                {
                    x[i] = y[i] / norm;
                }
                if (converged)
                {
                    values[c] = theta - shift;
                    break;
                }
            }
            Orthogonalize(x, found);
            double length = Math.Sqrt(Dot(x, x));
            for (int i = 0; i < n; i++)
            {
                x[i] /= length;
            }
            found.Add(x);
        }

        // Found in descending order; report ascending like the full solver.
        var vectors = new double[n, k];
        var ascending = new double[k];
        for (int c = 0; c < k; c++)
        {
            ascending[k - 1 - c] = values[c];
            for (int i = 0; i < n; i++)
            {
                vectors[i, k - 1 - c] = found[c][i];
            }
        }
        return new SymmetricEigenDecomposition(ascending, vectors);
    }

    private static void CheckParameters(int dimension, int k, double tolerance, int maxIterations)
    {
        if (dimension < 1)
        {
            throw new ArgumentException($"dimension must be at least 1 but is {dimension}.", nameof(dimension));
        }
        if (k < 1 || k > dimension)
        {
            throw new ArgumentException($"k must be between 1 and {dimension} but is {k}.", nameof(k));
        }
        if (!(tolerance > 0.0) || !double.IsFinite(tolerance))
        {
            throw new ArgumentException($"tolerance must be positive and finite but is {tolerance}.", nameof(tolerance));
        }
        if (maxIterations < 1)
        {
            throw new ArgumentException($"maxIterations must be at least 1 but is {maxIterations}.", nameof(maxIterations));
        }
    }

    /// <summary>Top-k eigenpairs of the Lanczos tridiagonal T (size × size); values ascending.</summary>
    private static SymmetricEigenDecomposition Ritz(List<double> alpha, List<double> beta, int size, int k)
    {
        var t = new double[size, size];
        for (int i = 0; i < size; i++)
        {
            t[i, i] = alpha[i];
            if (i + 1 < size)
            {
                t[i, i + 1] = beta[i];
                t[i + 1, i] = beta[i];
            }
        }
        var full = Eigen.Symmetric(t);
        var vectors = new double[size, k];
        for (int c = 0; c < k; c++)
        {
            for (int i = 0; i < size; i++)
            {
                vectors[i, c] = full.Vectors![i, size - k + c];
            }
        }
        return new SymmetricEigenDecomposition(full.Values[(size - k)..], vectors);
    }

    private static double[,] RitzVectors(List<double[]> basis, double[,] small, int dimension, int k)
    {
        var result = new double[dimension, k];
        for (int j = 0; j < basis.Count; j++)
        {
            double[] q = basis[j];
            for (int c = 0; c < k; c++)
            {
                double weight = small[j, c];
                for (int i = 0; i < dimension; i++)
                {
                    result[i, c] += weight * q[i];
                }
            }
        }
        for (int c = 0; c < k; c++)
        {
            double length = 0.0;
            for (int i = 0; i < dimension; i++)
            {
                length += result[i, c] * result[i, c];
            }
            length = Math.Sqrt(length);
            for (int i = 0; i < dimension; i++)
            {
                result[i, c] /= length;
            }
        }
        return result;
    }

    private static double[] RandomUnitVector(Random random, int dimension, List<double[]> orthogonalTo)
    {
        var v = new double[dimension];
        while (true)
        {
            for (int i = 0; i < dimension; i++)
            {
                v[i] = random.NextDouble() - 0.5;
            }
            Orthogonalize(v, orthogonalTo);
            Orthogonalize(v, orthogonalTo);
            double norm = Math.Sqrt(Dot(v, v));
            if (norm > 1e-8)
            {
                for (int i = 0; i < dimension; i++)
                {
                    v[i] /= norm;
                }
                return v;
            }
        }
    }

    private static void Orthogonalize(Span<double> v, List<double[]> basis)
    {
        foreach (double[] b in basis)
        {
            double projection = Dot(v, b);
            for (int i = 0; i < v.Length; i++)
            {
                v[i] -= projection * b[i];
            }
        }
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);

    private static void Multiply(double[,] matrix, ReadOnlySpan<double> x, Span<double> y)
    {
        int n = matrix.GetLength(0);
        for (int i = 0; i < n; i++)
        {
            double sum = 0.0;
            for (int j = 0; j < n; j++)
            {
                sum += matrix[i, j] * x[j];
            }
            y[i] = sum;
        }
    }
}
