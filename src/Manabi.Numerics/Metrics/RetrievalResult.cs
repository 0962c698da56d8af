namespace Manabi.Numerics.Metrics;

/// <summary>Leave-one-out retrieval quality of an embedding space (see <see cref="RetrievalMetrics.Evaluate(ReadOnlySpan{float}, int, IReadOnlyList{int}, IReadOnlyList{int}, RetrievalDistance)"/>).</summary>
/// <param name="PrecisionAt1">Fraction of queries whose nearest other embedding has the same class.</param>
/// <param name="RecallAtK">For each requested k, the fraction of queries with at least one same-class embedding among
/// their k nearest others (the metric-learning "Recall@k", not the information-retrieval recall).</param>
/// <param name="MapAtR">MAP@R (Musgrave et al. 2020): the mean over queries of (1/R) Σ_{i≤R} P(i)·rel(i), with R the
/// number of other embeddings of the query's class, rel(i) whether the i-th nearest is of that class and P(i) the
/// precision of the first i.</param>
public sealed record RetrievalResult(double PrecisionAt1, IReadOnlyDictionary<int, double> RecallAtK, double MapAtR);
