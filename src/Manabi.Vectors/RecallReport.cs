namespace Manabi.Vectors;

/// <summary>Recall of the approximate (HNSW) search against exact search on keys drawn from the store.</summary>
/// <param name="Queries">How many keys were queried.</param>
/// <param name="Top">Neighbours compared per query (recall@Top).</param>
/// <param name="Effort">The effort knob used for the approximate search.</param>
/// <param name="Recall">Mean fraction of the exact top neighbours that the approximate search also returned.</param>
/// <param name="ExactMedian">Median time of one exact query.</param>
/// <param name="ApproximateMedian">Median time of one approximate query.</param>
public sealed record RecallReport(int Queries, int Top, double Effort, double Recall, TimeSpan ExactMedian, TimeSpan ApproximateMedian)
{
    /// <summary>How many times faster the approximate search is (exact median over approximate median).</summary>
    public double Speedup => ExactMedian.Ticks / (double)Math.Max(1, ApproximateMedian.Ticks);
}
