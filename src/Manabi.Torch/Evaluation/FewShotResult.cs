namespace Manabi.Torch.Evaluation;

/// <summary>Accuracy of nearest-prototype classification over random few-shot episodes.</summary>
/// <param name="Way">Classes per episode.</param>
/// <param name="Shot">Support embeddings per class.</param>
/// <param name="QueriesPerClass">Query embeddings per class.</param>
/// <param name="Episodes">Number of episodes.</param>
/// <param name="Accuracy">Fraction of all queries of all episodes classified correctly.</param>
/// <param name="ConfidenceInterval95">Half-width of the 95% confidence interval of the mean episode accuracy:
/// 1.96 · σ / √episodes, with σ the population standard deviation (ddof = 0, as numpy.std) of the per-episode accuracies.</param>
public sealed record FewShotResult(int Way, int Shot, int QueriesPerClass, int Episodes, double Accuracy, double ConfidenceInterval95);
