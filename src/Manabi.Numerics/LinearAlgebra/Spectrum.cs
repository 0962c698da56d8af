namespace Manabi.Numerics.LinearAlgebra;

/// <summary>Scalar summaries of a spectrum: effective rank (RankMe) and eigenvalue entropy.</summary>
public static class Spectrum
{
    /// <summary>
    /// RankMe effective rank exp(H(p)) with pᵢ = σᵢ / Σσ and H the Shannon entropy in nats. Zero values are ignored
    /// (0·log 0 = 0), so k equal nonzero values give k and a single nonzero value gives 1.
    /// </summary>
    /// <param name="singularValues">Non-negative, finite, at least one positive.</param>
    /// <returns>A value in [1, number of nonzero values].</returns>
    /// <exception cref="ArgumentException">Empty, negative, non-finite or all-zero input.</exception>
    public static double EffectiveRank(ReadOnlySpan<double> singularValues)
    {
        double total = 0.0;
        for (int i = 0; i < singularValues.Length; i++)
        {
            double s = singularValues[i];
            if (!double.IsFinite(s) || s < 0.0)
            {
                throw new ArgumentException(
                    $"singularValues[{i}] is {s}; singular values must be finite and non-negative.", nameof(singularValues));
            }
            total += s;
        }
        if (total <= 0.0)
        {
            throw new ArgumentException("singularValues must contain at least one positive value.", nameof(singularValues));
        }
        return Math.Exp(Entropy(singularValues, total));
    }

    /// <summary>
    /// RankMe effective rank of an embedding matrix (rows = samples, columns = dimensions) from the singular values of
    /// the matrix as given. It is deliberately not centered, as in the RankMe paper (Garrido et al., 2023); center the
    /// rows first to measure the rank of the covariance instead.
    /// </summary>
    /// <param name="embeddings">Samples × dimensions, finite, not all zero.</param>
    /// <returns>The effective rank, between 1 and min(samples, dimensions).</returns>
    /// <remarks>
    /// Singular values are square roots of the eigenvalues of the smaller Gram matrix (XᵀX or XXᵀ), computed with
    /// <see cref="Eigen.Symmetric"/>; values below ~1e-8·σ_max are lost to round-off, which changes the entropy by
    /// a negligible amount.
    /// </remarks>
    /// <exception cref="ArgumentException">Empty, non-finite or all-zero input.</exception>
    public static double EffectiveRank(double[,] embeddings)
    {
        MatrixGuard.NotEmptyAndFinite(embeddings, nameof(embeddings));
        int rows = embeddings.GetLength(0);
        int columns = embeddings.GetLength(1);
        bool columnGram = rows >= columns;
        int size = columnGram ? columns : rows;
        var gram = new double[size, size];
        for (int i = 0; i < size; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = 0.0;
                int length = columnGram ? rows : columns;
                for (int t = 0; t < length; t++)
                {
                    sum += columnGram ? embeddings[t, i] * embeddings[t, j] : embeddings[i, t] * embeddings[j, t];
                }
                gram[i, j] = sum;
                gram[j, i] = sum;
            }
        }
        double[] eigenvalues = Eigen.Symmetric(gram, computeVectors: false).Values;
        var singular = eigenvalues.Select(v => Math.Sqrt(Math.Max(v, 0.0))).ToArray();
        if (singular.All(s => s == 0.0))
        {
            throw new ArgumentException("embeddings must not be all zero.", nameof(embeddings));
        }
        return EffectiveRank(singular);
    }

    /// <summary>
    /// Shannon entropy (nats) of the normalized eigenvalues pᵢ = λᵢ / Σλ. Negative values within round-off
    /// (|λ| ≤ 1e-10·max|λ|, as a PSD matrix's eigensolver may return) are treated as 0.
    /// </summary>
    /// <param name="eigenvalues">Eigenvalues of a positive semi-definite matrix; finite, at least one positive.</param>
    /// <returns>Entropy in nats, between 0 and log(count of positive values).</returns>
    /// <exception cref="ArgumentException">Empty, non-finite, clearly negative or all-zero input.</exception>
    public static double EigenvalueEntropy(ReadOnlySpan<double> eigenvalues)
    {
        double maxAbs = 0.0;
        for (int i = 0; i < eigenvalues.Length; i++)
        {
            if (!double.IsFinite(eigenvalues[i]))
            {
                throw new ArgumentException($"eigenvalues[{i}] is {eigenvalues[i]}; values must be finite.", nameof(eigenvalues));
            }
            maxAbs = Math.Max(maxAbs, Math.Abs(eigenvalues[i]));
        }
        var clamped = new double[eigenvalues.Length];
        double total = 0.0;
        for (int i = 0; i < eigenvalues.Length; i++)
        {
            double value = eigenvalues[i];
            if (value < -1e-10 * maxAbs)
            {
                throw new ArgumentException(
                    $"eigenvalues[{i}] is {value}, negative beyond round-off; the matrix is not positive semi-definite.",
                    nameof(eigenvalues));
            }
            clamped[i] = Math.Max(value, 0.0);
            total += clamped[i];
        }
        if (total <= 0.0)
        {
            throw new ArgumentException("eigenvalues must contain at least one positive value.", nameof(eigenvalues));
        }
        return Entropy(clamped, total);
    }

    private static double Entropy(ReadOnlySpan<double> weights, double total)
    {
        double entropy = 0.0;
        foreach (double w in weights)
        {
            if (w > 0.0)
            {
                double p = w / total;
                entropy -= p * Math.Log(p);
            }
        }
        return entropy;
    }
}
