namespace Manabi.Numerics.Metrics;

/// <summary>How well scores separate same-class pairs from different-class pairs.</summary>
/// <param name="Auc">Area under the ROC curve, as scikit-learn's <c>roc_auc_score</c> (ties count one half).</param>
/// <param name="Eer">Equal error rate: at the ROC point where the false negative rate 1 − TPR and the false positive
/// rate are closest (first such point), their mean. See <see cref="Verification.Evaluate"/>.</param>
/// <param name="EerThreshold">The threshold of that point: a score at or above it is read as "same".</param>
/// <param name="Roc">The ROC curve the figures come from.</param>
/// <param name="Positives">Number of same-class pairs.</param>
/// <param name="Negatives">Number of different-class pairs.</param>
public sealed record VerificationResult(double Auc, double Eer, double EerThreshold, RocCurve Roc, int Positives, int Negatives);
