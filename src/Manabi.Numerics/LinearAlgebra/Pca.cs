using MathNet.Numerics.LinearAlgebra;

namespace Manabi.Numerics.LinearAlgebra;

/// <summary>
/// Principal component analysis by singular value decomposition of the centered data, matching scikit-learn's
/// <c>PCA(svd_solver="full")</c>: variances use ddof = 1 and component signs follow <c>svd_flip</c> with
/// <c>u_based_decision=False</c> (the largest-magnitude entry of each component is positive).
/// </summary>
public sealed class Pca
{
    private double[]? mean;
    private double[,]? components;
    private double[]? explainedVariance;
    private double[]? explainedVarianceRatio;
    private double[]? singularValues;
    private double noiseVariance;

    /// <summary>Creates an unfitted PCA.</summary>
    /// <param name="components">Number of components to keep (at least 1, at most min(samples, features) at fit time).</param>
    /// <param name="whiten">Scale transformed coordinates to unit variance.</param>
    /// <exception cref="ArgumentException"><paramref name="components"/> is less than 1.</exception>
    public Pca(int components, bool whiten = false)
    {
        if (components < 1)
        {
            throw new ArgumentException($"components must be at least 1 but is {components}.", nameof(components));
        }
        ComponentCount = components;
        Whiten = whiten;
    }

    /// <summary>Number of components kept.</summary>
    public int ComponentCount { get; }

    /// <summary>Whether transformed coordinates are scaled to unit variance.</summary>
    public bool Whiten { get; }

    /// <summary>Per-feature mean of the training data.</summary>
    public double[] Mean => mean ?? throw NotFitted();

    /// <summary>Components × features; rows are orthonormal principal axes, by decreasing variance.</summary>
    public double[,] Components => components ?? throw NotFitted();

    /// <summary>Variance (ddof = 1) of the data along each component.</summary>
    public double[] ExplainedVariance => explainedVariance ?? throw NotFitted();

    /// <summary>Fraction of the total variance explained by each component.</summary>
    public double[] ExplainedVarianceRatio => explainedVarianceRatio ?? throw NotFitted();

    /// <summary>Singular values of the centered data for the kept components.</summary>
    public double[] SingularValues => singularValues ?? throw NotFitted();

    /// <summary>Mean variance of the discarded directions (probabilistic PCA noise); 0 when none are discarded.</summary>
    public double NoiseVariance => mean is null ? throw NotFitted() : noiseVariance;

    /// <summary>Learns the mean and principal axes of <paramref name="x"/>.</summary>
    /// <param name="x">Samples × features, finite, at least 2 samples.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentException">Bad shape or values, or more components than min(samples, features).</exception>
    public Pca Fit(double[,] x)
    {
        MatrixGuard.NotEmptyAndFinite(x, nameof(x));
        int samples = x.GetLength(0);
        int features = x.GetLength(1);
        if (samples < 2)
        {
            throw new ArgumentException("x needs at least 2 samples (rows) for PCA.", nameof(x));
        }
        int rank = Math.Min(samples, features);
        if (ComponentCount > rank)
        {
            throw new ArgumentException(
                $"components is {ComponentCount} but x ({samples}×{features}) supports at most {rank}.", nameof(x));
        }

        Matrix<double> centered = Covariance.Center(x, out double[] featureMean);
        (double[] allSingular, Matrix<double> vt) = ThinSvd(centered);

        var variance = allSingular.Select(s => s * s / (samples - 1)).ToArray();
        double totalVariance = variance.Sum();
        int k = ComponentCount;
        var axes = new double[k, features];
        for (int c = 0; c < k; c++)
        {
            // svd_flip(u_based_decision=False): first largest |entry| of each row of Vᵀ made positive.
            int argMax = 0;
            for (int j = 1; j < features; j++)
            {
                if (Math.Abs(vt[c, j]) > Math.Abs(vt[c, argMax]))
                {
                    argMax = j;
                }
            }
            double sign = vt[c, argMax] < 0 ? -1.0 : 1.0;
            for (int j = 0; j < features; j++)
            {
                axes[c, j] = sign * vt[c, j];
            }
        }

        mean = featureMean;
        components = axes;
        singularValues = allSingular[..k];
        explainedVariance = variance[..k];
        explainedVarianceRatio = variance[..k].Select(v => totalVariance > 0 ? v / totalVariance : 0.0).ToArray();
        noiseVariance = k < rank ? variance[k..rank].Average() : 0.0;
        return this;
    }

    /// <summary>Projects <paramref name="x"/> onto the components (whitened if requested).</summary>
    /// <param name="x">Samples × features with the fitted number of features.</param>
    /// <returns>Samples × components.</returns>
    /// <exception cref="ArgumentException">Wrong number of features or non-finite values.</exception>
    /// <exception cref="InvalidOperationException">Not fitted.</exception>
    public double[,] Transform(double[,] x)
    {
        double[,] axes = Components;
        MatrixGuard.NotEmptyAndFinite(x, nameof(x));
        int features = axes.GetLength(1);
        if (x.GetLength(1) != features)
        {
            throw new ArgumentException($"x has {x.GetLength(1)} features (columns) but the PCA was fitted on {features}.", nameof(x));
        }
        int samples = x.GetLength(0);
        int k = ComponentCount;
        var result = new double[samples, k];
        var row = new double[features];
        for (int i = 0; i < samples; i++)
        {
            for (int j = 0; j < features; j++)
            {
                row[j] = x[i, j] - mean![j];
            }
            for (int c = 0; c < k; c++)
            {
                double sum = 0.0;
                for (int j = 0; j < features; j++)
                {
                    sum += row[j] * axes[c, j];
                }
                result[i, c] = Whiten ? sum / Math.Sqrt(explainedVariance![c]) : sum;
            }
        }
        return result;
    }

    /// <summary>Fits on <paramref name="x"/> and returns its transform.</summary>
    /// <param name="x">Samples × features.</param>
    /// <returns>Samples × components.</returns>
    public double[,] FitTransform(double[,] x) => Fit(x).Transform(x);

    /// <summary>Maps component coordinates back to feature space (exact when all components are kept).</summary>
    /// <param name="z">Samples × components, as returned by <see cref="Transform"/>.</param>
    /// <returns>Samples × features.</returns>
    /// <exception cref="ArgumentException">Wrong number of columns or non-finite values.</exception>
    /// <exception cref="InvalidOperationException">Not fitted.</exception>
    public double[,] InverseTransform(double[,] z)
    {
        double[,] axes = Components;
        MatrixGuard.NotEmptyAndFinite(z, nameof(z));
        int k = ComponentCount;
        if (z.GetLength(1) != k)
        {
            throw new ArgumentException($"z has {z.GetLength(1)} columns but the PCA has {k} components.", nameof(z));
        }
        int samples = z.GetLength(0);
        int features = axes.GetLength(1);
        var result = new double[samples, features];
        for (int i = 0; i < samples; i++)
        {
            for (int j = 0; j < features; j++)
            {
                result[i, j] = mean![j];
            }
            for (int c = 0; c < k; c++)
            {
                double coordinate = Whiten ? z[i, c] * Math.Sqrt(explainedVariance![c]) : z[i, c];
                for (int j = 0; j < features; j++)
                {
                    result[i, j] += coordinate * axes[c, j];
                }
            }
        }
        return result;
    }

    /// <summary>
    /// Singular values (descending) and right singular vectors (rows of Vᵀ) of <paramref name="x"/>, via a thin QR of
    /// the tall orientation so the cost is O(max·min²) and no large U is formed.
    /// </summary>
    private static (double[] Singular, Matrix<double> Vt) ThinSvd(Matrix<double> x)
    {
        if (x.RowCount >= x.ColumnCount)
        {
            Matrix<double> r = x.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin).R;
            var svd = r.Svd(true);
            return (svd.S.ToArray(), svd.VT);
        }

        // x = (QR)ᵀ = Rᵀ Qᵀ and Rᵀ = U S Wᵀ, so Vᵀ = Wᵀ Qᵀ.
        var qr = x.Transpose().QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin);
        var small = qr.R.Transpose().Svd(true);
        return (small.S.ToArray(), small.VT * qr.Q.Transpose());
    }

    private static InvalidOperationException NotFitted() => new("The PCA is not fitted: call Fit or FitTransform first.");
}
