namespace Manabi.Numerics.Metrics;

/// <summary>
/// A receiver operating characteristic with scikit-learn's <c>roc_curve</c> semantics (<c>drop_intermediate=True</c>):
/// one point per distinct score, collinear interior points dropped, a leading point (0, 0) at threshold +∞.
/// </summary>
/// <param name="FalsePositiveRates">False positive rate at each threshold, from 0 up to 1.</param>
/// <param name="TruePositiveRates">True positive rate at each threshold, from 0 up to 1.</param>
/// <param name="Thresholds">Descending; point i counts a pair as "same" when its score is at least <c>Thresholds[i]</c>.
/// The first is +∞ (nothing accepted), the last the lowest score (everything accepted).</param>
public sealed record RocCurve(double[] FalsePositiveRates, double[] TruePositiveRates, double[] Thresholds);
