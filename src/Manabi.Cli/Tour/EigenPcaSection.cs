using System.Globalization;
using System.Numerics;
using Manabi.Cli.Output;
using Manabi.Cli.Reporting;
using Manabi.Numerics;
using Manabi.Numerics.LinearAlgebra;

namespace Manabi.Cli.Tour;

/// <summary>
/// Tour section for eigen-decomposition and PCA: eigenvalues of matrices with known answers, PCA of a
/// seeded synthetic data set with a scree plot and 2-D projection, and spectrum-based effective rank.
/// </summary>
public sealed class EigenPcaSection : ITourSection
{
    private const int Features = 8;
    private const int Clusters = 3;

    /// <inheritdoc />
    public string Title => "Eigen-decomposition and PCA";

    /// <inheritdoc />
    public Task<ReportSection> RunAsync(TourContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var section = new ReportSection(Title);
        section.AddParagraph(
            "Eigenvalues from Manabi.Numerics.LinearAlgebra.Eigen (general and symmetric solvers), then PCA on synthetic " +
            "data whose structure is known. Try 'manabi eig --matrix M.csv' and 'manabi pca --input X.csv --components 2'.");
        AddEigenTable(section);
        cancellationToken.ThrowIfCancellationRequested();
        section.Headline = AddPca(section, context, cancellationToken);
        return Task.FromResult(section);
    }

    private static void AddEigenTable(ReportSection section)
    {
        double angle = Math.PI / 6;
        double[,] rotation90 = { { 0, -1 }, { 1, 0 } };
        double[,] rotation30 = { { Math.Cos(angle), -Math.Sin(angle) }, { Math.Sin(angle), Math.Cos(angle) } };
        double[,] laplacian = { { 2, -1, 0 }, { -1, 2, -1 }, { 0, -1, 2 } };
        double[,] covariance = { { 4, 2 }, { 2, 3 } };
        double root2 = Math.Sqrt(2);
        double root17 = Math.Sqrt(17);
        section.AddHeading("Eigenvalues with known answers");
        section.AddTable(
            ["matrix", "solver", "eigenvalues", "expected"],
            [
                ["rotation by 90°  [[0, −1], [1, 0]]", "general", Complex(Eigen.General(rotation90)), "−i, +i"],
                ["rotation by 30°", "general", Complex(Eigen.General(rotation30)), "cos 30° ± i sin 30° = 0.866 ± 0.5i"],
                ["path Laplacian  [[2, −1, 0], [−1, 2, −1], [0, −1, 2]]", "symmetric", Real(Eigen.Symmetric(laplacian, false).Values),
                    $"2 − √2, 2, 2 + √2 = {NumberFormat.Short(2 - root2)}, 2, {NumberFormat.Short(2 + root2)}"],
                ["covariance  [[4, 2], [2, 3]]", "symmetric", Real(Eigen.Symmetric(covariance, false).Values),
                    $"(7 ± √17)/2 = {NumberFormat.Short((7 - root17) / 2)}, {NumberFormat.Short((7 + root17) / 2)}"],
            ]);
        section.AddParagraph("A rotation moves every real vector, so it has no real eigenvectors: its eigenvalues are a complex-conjugate pair on the unit circle.");
    }

    private static string AddPca(ReportSection section, TourContext context, CancellationToken cancellationToken)
    {
        int samplesPerCluster = context.Quick ? 60 : 200;
        var (data, labels) = SyntheticClusters(samplesPerCluster, new Random(context.Seed));
        cancellationToken.ThrowIfCancellationRequested();

        var full = new Pca(Features).Fit(data);
        var projection = new Pca(2).FitTransform(data);
        double[,] covariance = Covariance.Compute(data);
        double[] eigenvalues = Eigen.Symmetric(covariance, computeVectors: false).Values;
        double effectiveRank = Spectrum.EffectiveRank(full.SingularValues);
        double eigenvalueEntropy = Spectrum.EigenvalueEntropy(eigenvalues);
        double[] descending = [.. eigenvalues.OrderDescending()];
        double agreement = full.ExplainedVariance.Zip(descending, (a, b) => Math.Abs(a - b)).Max();

        section.AddHeading("PCA of synthetic clustered data");
        section.AddParagraph(
            $"{Clusters} clusters × {samplesPerCluster} samples in {Features} dimensions (seed {context.Seed}): each sample is a " +
            "2-D latent point (its cluster centre plus noise) mapped linearly into 8-D, plus small isotropic noise. " +
            "So two components should explain almost all variance, and the projection should separate the clusters.");
        string[] componentNames = [.. Enumerable.Range(1, Features).Select(k => $"PC{k}")];
        section.AddChart(
            Charts.Bar("Scree plot", "component", "explained variance ratio", componentNames, full.ExplainedVarianceRatio),
            "Explained variance ratio per principal component.");
        var groups = Enumerable.Range(0, Clusters).Select(c =>
        {
            int[] members = [.. Enumerable.Range(0, labels.Length).Where(i => labels[i] == c)];
            return new ChartSeries($"cluster {c + 1}", [.. members.Select(i => projection[i, 0])], [.. members.Select(i => projection[i, 1])]);
        }).ToList();
        section.AddChart(Charts.Scatter("Projection onto the first two components", "PC1", "PC2", groups), "2-D PCA projection coloured by cluster.");
        section.AddChart(Charts.Heatmap("Covariance matrix", covariance), "Sample covariance of the 8 features.");
        section.AddFacts(
            ("variance explained by PC1 + PC2", (full.ExplainedVarianceRatio[0] + full.ExplainedVarianceRatio[1]).ToString("P2", CultureInfo.InvariantCulture)),
            ("effective rank (RankMe, from singular values)", NumberFormat.Short(effectiveRank)),
            ("eigenvalue entropy of the covariance (nats)", NumberFormat.Short(eigenvalueEntropy)),
            ("exp(eigenvalue entropy)", NumberFormat.Short(Math.Exp(eigenvalueEntropy))),
            ("max |PCA variance − covariance eigenvalue|", agreement.ToString("0.0e+0", CultureInfo.InvariantCulture)));
        section.AddParagraph(
            "Effective rank is exp of the entropy of the normalised singular values: under 3 here although the data has 8 columns, " +
            "because only two latent directions carry signal. PCA's explained variances equal the covariance eigenvalues.");
        return $"PC1+PC2 explain {(full.ExplainedVarianceRatio[0] + full.ExplainedVarianceRatio[1]).ToString("P1", CultureInfo.InvariantCulture)}; " +
               $"effective rank {NumberFormat.Short(effectiveRank, 3)} of {Features}";
    }

    private static (double[,] Data, int[] Labels) SyntheticClusters(int samplesPerCluster, Random random)
    {
        (double X, double Y)[] centres = [(0, 0), (5, 1), (1.5, 5)];
        var mixing = new double[2, Features];
        for (int k = 0; k < 2; k++)
        {
            for (int j = 0; j < Features; j++)
            {
                mixing[k, j] = Gaussian(random);
            }
        }
        int n = samplesPerCluster * Clusters;
        var data = new double[n, Features];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int cluster = i / samplesPerCluster;
            labels[i] = cluster;
            double latentX = centres[cluster].X + 0.7 * Gaussian(random);
            double latentY = centres[cluster].Y + 0.7 * Gaussian(random);
            for (int j = 0; j < Features; j++)
            {
                data[i, j] = latentX * mixing[0, j] + latentY * mixing[1, j] + 0.15 * Gaussian(random);
            }
        }
        return (data, labels);
    }

    // Box-Muller: a standard normal draw from two uniforms.
    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static string Complex(IEnumerable<Complex> values) =>
        string.Join(", ", values.Select(c => Math.Abs(c.Imaginary) < 1e-12
            ? NumberFormat.Short(Snap(c.Real))
            : $"{NumberFormat.Short(Snap(c.Real))} {(c.Imaginary < 0 ? "−" : "+")} {NumberFormat.Short(Math.Abs(c.Imaginary))}i"));

    private static string Real(IEnumerable<double> values) => string.Join(", ", values.Select(v => NumberFormat.Short(Snap(v))));

    private static double Snap(double value) => Math.Abs(value) < 1e-12 ? 0 : value;
}
