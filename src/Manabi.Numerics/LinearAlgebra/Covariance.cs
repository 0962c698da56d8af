using MathNet.Numerics.LinearAlgebra;

namespace Manabi.Numerics.LinearAlgebra;

/// <summary>Sample covariance matrices.</summary>
public static class Covariance
{
    /// <summary>Covariance of the columns (features) of <paramref name="x"/>, whose rows are samples.</summary>
    /// <param name="x">Samples × features, finite.</param>
    /// <param name="unbiased">Divide by samples − 1 (like numpy.cov's default) rather than by samples.</param>
    /// <returns>Features × features symmetric matrix (exactly symmetric).</returns>
    /// <exception cref="ArgumentException">Empty or non-finite input, or a single sample with <paramref name="unbiased"/>.</exception>
    public static double[,] Compute(double[,] x, bool unbiased = true)
    {
        MatrixGuard.NotEmptyAndFinite(x, nameof(x));
        int samples = x.GetLength(0);
        if (unbiased && samples < 2)
        {
            throw new ArgumentException("x needs at least 2 samples (rows) for an unbiased covariance.", nameof(x));
        }
        Matrix<double> centered = Center(x, out _);
        Matrix<double> product = centered.TransposeThisAndMultiply(centered);
        double divisor = unbiased ? samples - 1 : samples;
        int features = x.GetLength(1);
        var result = new double[features, features];
        for (int i = 0; i < features; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double value = product[i, j] / divisor;
                result[i, j] = value;
                result[j, i] = value;
            }
        }
        return result;
    }

    /// <summary>Copies <paramref name="x"/> with each column's mean subtracted.</summary>
    internal static Matrix<double> Center(double[,] x, out double[] mean)
    {
        int samples = x.GetLength(0);
        int features = x.GetLength(1);
        mean = new double[features];
        for (int i = 0; i < samples; i++)
        {
            for (int j = 0; j < features; j++)
            {
                mean[j] += x[i, j];
            }
        }
        for (int j = 0; j < features; j++)
        {
            mean[j] /= samples;
        }
        Matrix<double> centered = Matrix<double>.Build.Dense(samples, features);
        for (int i = 0; i < samples; i++)
        {
            for (int j = 0; j < features; j++)
            {
                centered[i, j] = x[i, j] - mean[j];
            }
        }
        return centered;
    }
}
