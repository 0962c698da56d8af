namespace Manabi.Numerics.Metrics;

/// <summary>
/// Pair verification metrics (ROC, AUC, equal error rate) for Siamese networks, with scikit-learn's conventions.
/// Scores are "higher = more likely the same class": pass cosine similarity, or the negated distance.
/// </summary>
public static class Verification
{
    /// <summary>
    /// The ROC curve, as scikit-learn's <c>roc_curve(labels, scores)</c> with <c>drop_intermediate=True</c>: thresholds
    /// are the distinct scores in descending order, points that lie on a straight segment between their neighbours are
    /// dropped, and a first point (0, 0) with threshold +∞ is prepended.
    /// </summary>
    /// <param name="scores">One finite score per pair; higher means more likely the same class.</param>
    /// <param name="labels">Whether each pair is of the same class.</param>
    /// <returns>The curve.</returns>
    /// <exception cref="ArgumentException">Lengths differ, a score is not finite, or one class is missing.</exception>
    public static RocCurve Roc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        var (falsePositives, truePositives, thresholds) = CumulativeCounts(scores, labels);
        return BuildCurve(falsePositives, truePositives, thresholds);
    }

    /// <summary>
    /// Area under the ROC curve, as scikit-learn's <c>roc_auc_score</c>: the trapezoid rule over the ROC points, which
    /// is exact with tied scores (a tied positive/negative pair counts one half).
    /// </summary>
    /// <param name="scores">One finite score per pair; higher means more likely the same class.</param>
    /// <param name="labels">Whether each pair is of the same class.</param>
    /// <returns>The AUC, between 0 and 1.</returns>
    /// <exception cref="ArgumentException">Lengths differ, a score is not finite, or one class is missing.</exception>
    public static double Auc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels) => TrapezoidArea(Roc(scores, labels));

    /// <summary>
    /// ROC, AUC and equal error rate. The EER convention: on the points of <see cref="Roc"/> (intermediate points
    /// dropped), take the <b>first</b> index i that minimises |FNRᵢ − FPRᵢ| with FNR = 1 − TPR; then
    /// EER = (FPRᵢ + FNRᵢ) / 2 and the EER threshold is <c>Thresholds[i]</c> (score ≥ threshold ⇒ "same").
    /// No interpolation between points is done, so when the curve crosses FNR = FPR between two points the EER is
    /// the mean of the two rates at the nearer point.
    /// </summary>
    /// <param name="scores">One finite score per pair; higher means more likely the same class.</param>
    /// <param name="labels">Whether each pair is of the same class.</param>
    /// <returns>The metrics and the curve.</returns>
    /// <exception cref="ArgumentException">Lengths differ, a score is not finite, or one class is missing.</exception>
    public static VerificationResult Evaluate(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        RocCurve roc = Roc(scores, labels);
        int best = 0;
        double bestGap = double.PositiveInfinity;
        for (int i = 0; i < roc.Thresholds.Length; i++)
        {
            double gap = Math.Abs(1.0 - roc.TruePositiveRates[i] - roc.FalsePositiveRates[i]);
            // Strictly smaller: ties keep the first index, as numpy's argmin.
            if (gap < bestGap)
            {
                bestGap = gap;
                best = i;
            }
        }
        double eer = (roc.FalsePositiveRates[best] + (1.0 - roc.TruePositiveRates[best])) / 2.0;
        int positives = 0;
        foreach (bool label in labels)
        {
            positives += label ? 1 : 0;
        }
        return new VerificationResult(TrapezoidArea(roc), eer, roc.Thresholds[best], roc, positives, labels.Length - positives);
    }

    /// <summary>
    /// Counts of false and true positives when accepting every score at or above each distinct score, in descending
    /// order (scikit-learn's <c>_binary_clf_curve</c>).
    /// </summary>
    private static (double[] FalsePositives, double[] TruePositives, double[] Thresholds) CumulativeCounts(
        ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        if (scores.Length != labels.Length)
        {
            throw new ArgumentException($"scores has {scores.Length} values but labels has {labels.Length}.", nameof(labels));
        }
        int positives = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (!double.IsFinite(scores[i]))
            {
                throw new ArgumentException($"scores[{i}] is {scores[i]}; scores must be finite.", nameof(scores));
            }
            positives += labels[i] ? 1 : 0;
        }
        if (positives == 0 || positives == scores.Length)
        {
            throw new ArgumentException(
                $"labels has {positives} positive and {scores.Length - positives} negative pairs; a ROC needs at least one of each.",
                nameof(labels));
        }

        int[] order = new int[scores.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        double[] keys = scores.ToArray();
        // Descending by score; the order inside a run of equal scores does not matter because a run becomes one point.
        Array.Sort(keys, order);
        Array.Reverse(order);

        var falsePositives = new List<double>();
        var truePositives = new List<double>();
        var thresholds = new List<double>();
        int tp = 0;
        for (int rank = 0; rank < order.Length; rank++)
        {
            tp += labels[order[rank]] ? 1 : 0;
            bool lastOfRun = rank == order.Length - 1 || scores[order[rank + 1]] != scores[order[rank]];
            if (lastOfRun)
            {
                truePositives.Add(tp);
                falsePositives.Add(rank + 1 - tp);
                thresholds.Add(scores[order[rank]]);
            }
        }
        return (falsePositives.ToArray(), truePositives.ToArray(), thresholds.ToArray());
    }

    private static RocCurve BuildCurve(double[] falsePositives, double[] truePositives, double[] thresholds)
    {
        var keep = new List<int>(thresholds.Length);
        for (int i = 0; i < thresholds.Length; i++)
        {
            // scikit-learn keeps the ends and every point where the second difference of either count is nonzero.
            bool interior = i > 0 && i < thresholds.Length - 1;
            bool collinear = interior
                && falsePositives[i - 1] - 2 * falsePositives[i] + falsePositives[i + 1] == 0
                && truePositives[i - 1] - 2 * truePositives[i] + truePositives[i + 1] == 0;
            if (thresholds.Length <= 2 || !collinear)
            {
                keep.Add(i);
            }
        }
        double totalNegatives = falsePositives[^1];
        double totalPositives = truePositives[^1];
        var fpr = new double[keep.Count + 1];
        var tpr = new double[keep.Count + 1];
        var cut = new double[keep.Count + 1];
        cut[0] = double.PositiveInfinity;
        for (int k = 0; k < keep.Count; k++)
        {
            fpr[k + 1] = falsePositives[keep[k]] / totalNegatives;
            tpr[k + 1] = truePositives[keep[k]] / totalPositives;
            cut[k + 1] = thresholds[keep[k]];
        }
        return new RocCurve(fpr, tpr, cut);
    }

    /// <summary>numpy.trapz(tpr, fpr), as scikit-learn's <c>auc</c>.</summary>
    private static double TrapezoidArea(RocCurve roc)
    {
        double area = 0.0;
        double[] x = roc.FalsePositiveRates;
        double[] y = roc.TruePositiveRates;
        for (int i = 1; i < x.Length; i++)
        {
            area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2.0;
        }
        return area;
    }
}
