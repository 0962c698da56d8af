namespace Manabi.Vectors.Search;

/// <summary>A corpus entry found for a query.</summary>
/// <param name="CorpusId">The entry's index in the corpus.</param>
/// <param name="Score">Its similarity to the query (higher is closer).</param>
public readonly record struct SearchHit(int CorpusId, float Score);
