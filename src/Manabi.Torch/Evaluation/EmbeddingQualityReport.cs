namespace Manabi.Torch.Evaluation;

/// <summary>Statistics of an embedding space that reveal collapse and poor use of the dimensions (see <see cref="EmbeddingQuality"/>).</summary>
/// <param name="Count">Number of embeddings n.</param>
/// <param name="Dimensions">Width d.</param>
/// <param name="Eigenvalues">Eigenvalues of the sample covariance (ddof = 1), descending; d values.</param>
/// <param name="EffectiveRank">RankMe (Garrido et al. 2023): exp of the entropy of the normalised singular values of the
/// (uncentred) embedding matrix; 1 for collapsed embeddings, up to min(n, d).</param>
/// <param name="NormalizedStd">Per-dimension standard deviation (ddof = 1) of the L2-normalised embeddings.</param>
/// <param name="MeanNormalizedStd">Mean of <paramref name="NormalizedStd"/>: about 0 under collapse, about
/// <paramref name="HealthyStd"/> for embeddings spread over the sphere (SimSiam, Chen &amp; He 2021).</param>
/// <param name="HealthyStd">1/√d, the value of <paramref name="MeanNormalizedStd"/> for isotropic embeddings.</param>
/// <param name="Alignment">Wang &amp; Isola's alignment (α = 2): mean ‖f(x) − f(y)‖² over positive pairs of normalised
/// embeddings; lower is better, between 0 and 4; null when no positive pairs are known.</param>
/// <param name="Uniformity">Wang &amp; Isola's uniformity (t = 2): log of the mean of exp(−2‖f(x) − f(y)‖²) over distinct
/// pairs of normalised embeddings; lower is better: 0 when collapsed, about −4 at best for many points.</param>
/// <param name="Projection2D">(n, 2) coordinates on the first two principal components, rows in input order.</param>
public sealed record EmbeddingQualityReport(int Count, int Dimensions, double[] Eigenvalues, double EffectiveRank, double[] NormalizedStd,
    double MeanNormalizedStd, double HealthyStd, double? Alignment, double Uniformity, double[,] Projection2D);
